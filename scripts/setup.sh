#!/usr/bin/env bash
# Installs what Arthur Desktop needs on a fresh Debian machine (run as root) into ./.venv.
#   scripts/setup.sh app    the Debian libraries Qt needs, fonts, and the app
#   scripts/setup.sh test   the same, plus PostgreSQL, locales and the test tools
# Both install the app editable (the venv runs these sources), and only when something changed since the last
# set-up: a second scripts/run.sh starts the program at once, and never undoes the test command's install.
set -euo pipefail
cd "$(dirname "$0")/.."
purpose=${1:-app}

packages=(python3 python3-venv python3-pip fonts-dejavu-core libegl1 libgl1 libglib2.0-0 libfontconfig1
  libdbus-1-3 libxkbcommon0 libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0
  libxcb-randr0 libxcb-render-util0 libxcb-image0 libx11-xcb1 xdg-utils)
if [ "$purpose" = test ]; then
  packages+=(postgresql locales-all)
fi
scripts/apt-install.sh "${packages[@]}"

# What the venv was last set up from: the purpose and the project's metadata (dependencies, entry points). The
# sources themselves need no reinstall, since the install is editable. A test set-up serves the app too.
stamp=.venv/.arthur-setup
fingerprint=$(sha256sum pyproject.toml | cut -d' ' -f1)
if [ -x .venv/bin/python ] && [ -f "$stamp" ] &&
  { grep -qx "test $fingerprint" "$stamp" || grep -qx "$purpose $fingerprint" "$stamp"; }; then
  exit 0
fi

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
  .venv/bin/python -m pip install --quiet --upgrade pip
fi
rm -f "$stamp"
if [ "$purpose" = test ]; then
  .venv/bin/python -m pip install --quiet --editable ".[test]"
else
  .venv/bin/python -m pip install --quiet --editable .
fi
echo "$purpose $fingerprint" >"$stamp"
