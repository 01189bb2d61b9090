#!/usr/bin/env bash
# Install what tests/test_browser.py needs: Debian's Chromium and its matching chromedriver
# (no browser download by Selenium or Playwright). Needs root and apt (CI: a fresh Debian machine).
# Does nothing when both are already installed. Usage: bash scripts/setup_browser.sh
set -euo pipefail
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
  echo "browser ready: $(/usr/bin/chromium --version 2>/dev/null)"
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null
echo "browser ready: $(/usr/bin/chromium --version 2>/dev/null)"
