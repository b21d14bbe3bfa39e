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
  [ -n "$(chromium_bin)" ] && return 0
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null && sudo -n true 2>/dev/null || die "chromium is missing and installing it needs root (run: sudo apt-get install chromium)"
    sudo="sudo -n"
  fi
  command -v apt-get >/dev/null || die "chromium is missing and this machine has no apt-get to install it with"
  # Several test runs may ask at once: one installs, the others wait and then find it installed.
  exec 9>"${TMPDIR:-/tmp}/mops-chromium-install.lock"
  flock -w 900 9 || die "timed out waiting for another chromium installation"
  if [ -z "$(chromium_bin)" ]; then
    local apt=(env DEBIAN_FRONTEND=noninteractive apt-get -y -q -o DPkg::Lock::Timeout=300 --no-install-recommends)
    echo "chromium.sh: installing Debian's chromium with apt-get" >&2
    if ! $sudo "${apt[@]}" install chromium >&2; then
      # The package lists may be missing or stale (fresh containers ship without them).
      $sudo env DEBIAN_FRONTEND=noninteractive apt-get -q -o DPkg::Lock::Timeout=300 update >&2 || die "apt-get update failed (no network?): chromium cannot be installed"
      $sudo "${apt[@]}" install chromium >&2 || die "apt-get could not install chromium"
    fi
  fi
  flock -u 9
  [ -n "$(chromium_bin)" ] || die "chromium is still missing after the installation"
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
