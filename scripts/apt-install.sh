#!/usr/bin/env bash
# Installs the Debian packages given (names, or ./file.deb) that are not installed yet; run as root. When another
# apt or dpkg holds its lock (an unattended upgrade, a second set-up at the same moment) it waits for it, up to
# APT_LOCK_WAIT_SECONDS (600), instead of failing.
#   scripts/apt-install.sh [--reinstall] PACKAGE|./FILE.deb ...
set -euo pipefail
wait_seconds=${APT_LOCK_WAIT_SECONDS:-600}
reinstall=()
if [ "${1:-}" = --reinstall ]; then
  reinstall=(--reinstall)
  shift
fi

# One dpkg-query for all (it exits 1 when it knows one of them not at all): " name name ... " of the installed.
installed=" $(dpkg-query -W -f='${db:Status-Abbrev}${Package}\n' "$@" 2>/dev/null | sed -n 's/^ii *//p' | tr '\n' ' ' ||
  true) "
missing=()
for package in "$@"; do
  if [[ "$package" == *.deb ]] || [ ${#reinstall[@]} -gt 0 ] || [[ "$installed" != *" $package "* ]]; then
    missing+=("$package")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "apt-install: these Debian packages are missing; install them as root: ${missing[*]}" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
# apt-get update does not wait for the package lists' lock by itself (apt 2.6): try again while it is held.
update_package_lists() {
  local waited=0 output
  until output=$(apt-get update -qq 2>&1); do
    if ! grep -q "Could not get lock" <<<"$output" || [ "$waited" -ge "$wait_seconds" ]; then
      echo "$output" >&2
      return 1
    fi
    [ "$waited" -eq 0 ] && echo "apt-install: another apt or dpkg is running; waiting for it to finish" >&2
    sleep 2
    waited=$((waited + 2))
  done
}

update_package_lists
echo "apt-install: installing ${missing[*]}"
# DPkg::Lock::Timeout makes apt-get wait for the dpkg lock (and say so) rather than fail at once.
apt-get -o DPkg::Lock::Timeout="$wait_seconds" install -y -qq --no-install-recommends "${reinstall[@]}" \
  "${missing[@]}" >/dev/null
