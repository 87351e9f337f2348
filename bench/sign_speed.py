"""Milliseconds per PAdES signature: pyHanko's stock SimpleSigner.load_pkcs12
(size estimated by a dry-run signature) against signing.KeySigner with a
fixed reservation, at B-B and B-T (in-process TSA), in the same run.

    .venv/bin/python bench/sign_speed.py [N]
"""

from __future__ import annotations

import io
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter  # noqa: E402
from pyhanko.sign import fields, signers  # noqa: E402

from signing import PadesLevel, load_dev_timestamper, load_pkcs12_signer, sign_pdf  # noqa: E402
from signing.devpki import DevPki, Official  # noqa: E402

PASSPHRASE = b"bench-passphrase"


def letter(work: Path) -> bytes:
    src = work / "surat.txt"
    src.write_text("Surat dinas untuk pengukuran kecepatan tanda tangan.\n" * 20)
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{work}/profile", "--headless", "--convert-to",
         'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"}}', "--outdir", str(work), str(src)],
        check=True, capture_output=True, timeout=120,
    )
    return (work / "surat.pdf").read_bytes()


def stock(pdf: bytes, p12: Path, timestamper):
    signer = signers.SimpleSigner.load_pkcs12(str(p12), passphrase=PASSPHRASE)
    meta = signers.PdfSignatureMetadata(field_name="TTD", subfilter=fields.SigSeedSubFilter.PADES)
    return lambda: signers.PdfSigner(meta, signer, timestamper=timestamper).sign_pdf(
        IncrementalPdfFileWriter(io.BytesIO(pdf))
    )


def ours(pdf: bytes, p12: Path, timestamper):
    signer = load_pkcs12_signer(p12, PASSPHRASE)
    level = PadesLevel.B_T if timestamper else PadesLevel.B_B
    return lambda: sign_pdf(pdf, signer, field_name="TTD", level=level, timestamper=timestamper, certify=False)


def per_signature_ms(fn, n: int) -> float:
    fn()  # warm-up
    start = time.perf_counter()
    for _ in range(n):
        fn()
    return (time.perf_counter() - start) * 1000 / n


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        pki = DevPki(work / "pki").ensure()
        p12 = pki.add_official(Official("Bench", "196804111993031009", "Kepala"), PASSPHRASE)
        pdf = letter(work)
        tsa = load_dev_timestamper(work / "pki")
        for label, ts in (("B-B", None), ("B-T", tsa)):
            base = per_signature_ms(stock(pdf, p12, ts), n)
            mine = per_signature_ms(ours(pdf, p12, ts), n)
            print(f"{label}: SimpleSigner {base:6.1f} ms   KeySigner {mine:6.1f} ms   ratio {base / mine:4.1f}x")


if __name__ == "__main__":
    main()
