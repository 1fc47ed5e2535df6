#!/usr/bin/env bash
# What the tests need from the system: Chromium (browser tests), poppler (PDF checks), zbar (QR decoding),
# the WenQuanYi Zen Hei font (Chinese PDFs) and gettext (compiling translations).
# Installs them with apt-get when run as root; otherwise says exactly what is missing.
set -u
missing=()
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || missing+=(chromium)
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
command -v zbarimg >/dev/null 2>&1 || missing+=(zbar-tools)
command -v msgfmt >/dev/null 2>&1 || missing+=(gettext)
{ command -v fc-list >/dev/null 2>&1 && fc-list | grep -qi "wenquanyi zen hei"; } || missing+=(fonts-wqy-zenhei)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing system packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    && exit 0
  echo "apt-get could not install: ${missing[*]}" >&2
fi
echo "Missing system packages: ${missing[*]}" >&2
echo "Install them with: sudo apt-get install ${missing[*]}" >&2
echo "Tests that need them are skipped (or fail when REQUIRE_SERVICES=1)." >&2
exit 0
