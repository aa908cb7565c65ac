#!/bin/sh
# Installs the Debian packages the tests read outputs back with, where the command is missing:
# tesseract OCR with Vietnamese data (text in the infographics), Java (the Nu HTML checker), LibreOffice
# (opens the DOCX report), poppler (reads PDFs back), PostgreSQL (the ledger suite runs on a real one too),
# Chromium (the web app's tests drive it through Playwright; no browser is downloaded).
set -eu
missing=""
command -v tesseract >/dev/null 2>&1 || missing="$missing tesseract-ocr"
dpkg-query -W -f='${Status}' tesseract-ocr-vie 2>/dev/null | grep -q "install ok installed" || missing="$missing tesseract-ocr-vie"
command -v java >/dev/null 2>&1 || missing="$missing default-jre-headless"
command -v soffice >/dev/null 2>&1 || missing="$missing libreoffice-writer-nogui fonts-liberation"
command -v pdftotext >/dev/null 2>&1 || missing="$missing poppler-utils"
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$missing postgresql"
command -v chromium >/dev/null 2>&1 || missing="$missing chromium"
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "Thiếu gói hệ thống:$missing. Hãy chạy: sudo apt-get install -y$missing" >&2
  exit 1
fi
echo "Installing Debian packages:$missing"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
