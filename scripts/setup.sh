#!/usr/bin/env bash
# Installs what Arthur Desktop needs on a fresh Debian machine (run as root) into ./.venv.
#   scripts/setup.sh app    the Debian libraries Qt needs, fonts, and the app
#   scripts/setup.sh test   the same, plus PostgreSQL, locales and the test tools
set -euo pipefail
cd "$(dirname "$0")/.."
purpose=${1:-app}

packages=(python3 python3-venv python3-pip fonts-dejavu-core libegl1 libgl1 libglib2.0-0 libfontconfig1
  libdbus-1-3 libxkbcommon0 libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0
  libxcb-randr0 libxcb-render-util0 libxcb-image0 libx11-xcb1 xdg-utils)
if [ "$purpose" = test ]; then
  packages+=(postgresql locales-all)
fi

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: these Debian packages are missing; install them as root: ${missing[*]}" >&2
    exit 1
  fi
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
if [ "$purpose" = test ]; then
  .venv/bin/python -m pip install --quiet --editable ".[test]"
else
  .venv/bin/python -m pip install --quiet .
fi
