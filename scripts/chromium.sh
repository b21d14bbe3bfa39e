#!/usr/bin/env bash
# Debian's Chromium for the report's browser test: installed with apt-get when missing, never
# downloaded from anywhere else. Prints the browser's path.
#
#   scripts/chromium.sh            print the path of chromium, installing it first when missing
#   scripts/chromium.sh path       print the path, or fail when it is not installed (installs nothing)
#
# Installing needs root (or passwordless sudo) and Debian's package mirrors; without them the
# script fails with a message, and the browser test is skipped with that message.
set -euo pipefail

# shellcheck source=lib/apt-install.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/apt-install.sh"

die() {
  echo "chromium.sh: $*" >&2
  exit 1
}

chromium_bin() {
  local candidate
  for candidate in "${CHROMIUM_PATH:-}" /usr/bin/chromium /usr/bin/chromium-browser; do
    [ -n "$candidate" ] && [ -x "$candidate" ] && { echo "$candidate"; return 0; }
  done
  command -v chromium || true
}

install_chromium() {
  apt_install_once chromium chromium_bin
}

case "${1:-install}" in
  install)
    install_chromium
    chromium_bin
    ;;
  path)
    path=$(chromium_bin)
    [ -n "$path" ] || die "chromium is not installed (run scripts/chromium.sh to install it)"
    echo "$path"
    ;;
  *) die "usage: chromium.sh [install | path]" ;;
esac
