#!/usr/bin/env bash
# Set up, start suratkerja on its embedded defaults (SQLite and files under
# instance/, LibreOffice kept warm), issue one sample letter and show it.
# The service keeps running until Ctrl+C.
# ESIGN=v1 (or v2) signs through a local test double of BSrE's Esign Client
# Service (signing/esign/double.py) instead of the officials' PKCS#12 files.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${PORT:-8000}"
BASE="http://127.0.0.1:${PORT}"
bash scripts/setup.sh
.venv/bin/suratkerja devpki   # development CA, TSA and a certificate per sample official, once

double=""
if [[ -n "${ESIGN:-}" ]]; then
  ESIGN_PORT="${ESIGN_PORT:-8319}"
  export SURATKERJA_CONFIG
  SURATKERJA_CONFIG=$(.venv/bin/python -m service.devtools.esign_dev instance "$ESIGN" "$ESIGN_PORT")
  .venv/bin/python -m signing.esign.double --pki instance/pki --users instance/esign/users.json \
    --credentials-file instance/esign/client --port "$ESIGN_PORT" &
  double=$!
fi

# A development API key for the demo's requests, made once: written to a 0600
# file and printed this once; the requests read it from a 0600 header file,
# so it never appears in a command line.
KEYFILE=instance/kunci-api-demo.txt
if [ ! -s "$KEYFILE" ]; then
  .venv/bin/suratkerja kunci buat --nama "demo pengembangan" --wilayah hulu-sungai-selatan \
    --hak terbit,paraf,tandatangan,baca,verifikasi --berkas "$KEYFILE"
  echo "Kunci API pengembangan (ditampilkan sekali ini saja; tersimpan di $KEYFILE): $(cat "$KEYFILE")"
fi
auth=$(mktemp); chmod 600 "$auth"
printf 'Authorization: Bearer %s\n' "$(cat "$KEYFILE")" > "$auth"

.venv/bin/suratkerja serve --port "$PORT" &
server=$!
.venv/bin/suratkerja worker &   # sends the webhooks' events
worker=$!
trap 'rm -f "$auth"; kill "$server" "$worker" $double 2>/dev/null; wait "$server" "$worker" $double 2>/dev/null' EXIT INT TERM

for _ in $(seq 1 120); do
  curl -sf "$BASE/api/v1/openapi.json" >/dev/null 2>&1 && break
  kill -0 "$server" 2>/dev/null || { echo "the service did not start" >&2; exit 1; }
  sleep 0.5
done

sample=samples/requests/hulu-sungai-selatan/permohonan-pelibatan.json
mkdir -p instance
# Create and sign in one call. The official's development passphrase is read
# from its 0600 file into a 0600 request body, never printed.
body=$(mktemp); chmod 600 "$body"
.venv/bin/python - "$sample" "$body" <<'PY'
import json, sys
from pathlib import Path
from service.devtools.samples import dev_passphrase
from service.devtools.esign_dev import dev_nik
from service.letters.nip import normalise_nip
letter = json.loads(Path(sys.argv[1]).read_text())
nip = normalise_nip(letter["penandatangan"]["nip"])
Path(sys.argv[2]).write_text(json.dumps({"surat": letter, "passphrase": dev_passphrase(Path("instance/pki"), nip),
                                         "nik": dev_nik(nip)}))
PY
curl -sf -X POST -H @"$auth" -H 'Content-Type: application/json' --data-binary @"$body" \
  "$BASE/api/v1/surat/permohonan-pelibatan/terbit-tandatangan" > instance/contoh.json
rm -f "$body"
id=$(.venv/bin/python -c 'import json; print(json.load(open("instance/contoh.json"))["id"])')
curl -sf -H @"$auth" -o instance/contoh.pdf "$BASE/api/v1/surat/$id/pdf"

echo
echo "Surat terbit: $(.venv/bin/python -c 'import json; d=json.load(open("instance/contoh.json")); print(d["nomor"], "-", d["hal"])')"
echo "PDF: instance/contoh.pdf"
pdfinfo instance/contoh.pdf | grep -E 'Pages|PDF version|Producer' || true
pdfsig instance/contoh.pdf | grep -E 'Signer Certificate Common Name|Signing Time|Signature Validation|Signature Type' || true
pdftotext -l 1 instance/contoh.pdf - | head -25
echo
echo "Verifikasi: $BASE/verifikasi/$id"
# The development pemda administrator: made once, its generated password
# printed only then and kept in instance/akun-dev.txt (0600).
.venv/bin/suratkerja akun dev --url "$BASE"
echo "Layanan berjalan di $BASE/masuk (API: $BASE/api/v1/docs, kunci API di $KEYFILE). Ctrl+C untuk berhenti."
wait "$server"
