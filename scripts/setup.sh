#!/usr/bin/env bash
# Install what a fresh Debian 12 machine lacks, then the Python environment.
#
# LibreOffice's UNO bridge (python3-uno) is built for Debian's own
# /usr/bin/python3, so the virtual environment is made from that interpreter
# with system site packages: the converter worker (service/issuing/convert/uno_worker.py) imports `uno`.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  libreoffice-writer-nogui python3-uno python3-venv python3-dev
  fonts-liberation fonts-liberation2 poppler-utils
  softhsm2 libnss3-tools curl
  chromium chromium-driver
)

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "setup: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c "import uno" 2>/dev/null; then
  rm -rf .venv
  /usr/bin/python3 -m venv --system-site-packages .venv
fi
.venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip
.venv/bin/python -m pip install -q --disable-pip-version-check -e ".[test]"
.venv/bin/python -c "import uno, service, signing" || { echo "setup: import check failed" >&2; exit 1; }
echo "setup: ready (.venv)"
