# Installs one Debian package for the tests when its program is missing. Sourced by the scripts
# in scripts/, which define `die` first.
#
#   apt_install_once <package> <found-command> [--no-service-start]
#
# <found-command> prints the program's path when it is installed. Needs root or passwordless
# sudo, and apt-get. Several test files may ask at once: one installs while the others wait on a
# lock and then find the package installed. With --no-service-start, the package's own service
# (e.g. redis-server on port 6379) is kept from starting during the installation.

apt_install_once() {
  local package=$1 found=$2 no_service=${3:-}
  [ -n "$($found)" ] && return 0
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null && sudo -n true 2>/dev/null || die "$package is missing and installing it needs root (run: sudo apt-get install $package)"
    sudo="sudo -n"
  fi
  command -v apt-get >/dev/null || die "$package is missing and this machine has no apt-get to install it with"
  exec 9>"${TMPDIR:-/tmp}/mops-$package-install.lock"
  flock -w 900 9 || die "timed out waiting for another $package installation"
  if [ -z "$($found)" ]; then
    local policy=/usr/sbin/policy-rc.d created_policy=""
    if [ "$no_service" = "--no-service-start" ] && [ ! -e "$policy" ]; then
      printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null && $sudo chmod +x "$policy" && created_policy=1
    fi
    local apt=(env DEBIAN_FRONTEND=noninteractive apt-get -y -q -o DPkg::Lock::Timeout=300 --no-install-recommends)
    echo "installing Debian's $package with apt-get" >&2
    local ok=1
    if ! $sudo "${apt[@]}" install "$package" >&2; then
      # The package lists may be missing or stale (fresh containers ship without them).
      $sudo env DEBIAN_FRONTEND=noninteractive apt-get -q -o DPkg::Lock::Timeout=300 update >&2 || echo "apt-get update failed (no network?)" >&2
      $sudo "${apt[@]}" install "$package" >&2 || ok=""
    fi
    [ -n "$created_policy" ] && $sudo rm -f "$policy"
    [ -n "$ok" ] || die "apt-get could not install $package"
  fi
  flock -u 9
  [ -n "$($found)" ] || die "$package is still missing after the installation"
}
