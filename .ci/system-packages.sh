#!/bin/sh
# Installs the Debian packages the tests need, if missing. The tests read outputs back with real tools:
# tesseract OCR (with Vietnamese data) reads the text drawn in the infographics.
set -eu
packages="tesseract-ocr tesseract-ocr-vie"
missing=""
for p in $packages; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "Thiếu gói hệ thống:$missing. Hãy chạy: sudo apt-get install -y$missing" >&2
  exit 1
fi
echo "Installing Debian packages:$missing"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
