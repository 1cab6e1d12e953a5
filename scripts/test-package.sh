#!/usr/bin/env bash
# Proves the built artefact, not the sources (as root, on Debian): builds the bundle and the .deb
# (scripts/package.sh), installs the .deb as an IT department would (apt-get install ./...deb), and runs
# packaging/tests against the installed program in a sandbox with no venv and no Python, on an offscreen
# platform and on a real X server (Xvfb), and beside a throwaway PostgreSQL server. Leaves the package installed. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" -ne 0 ]; then
  echo "test-package: run as root (it installs the package and runs the program in mount namespaces)" >&2
  exit 1
fi
scripts/setup.sh test
scripts/apt-install.sh xvfb x11-utils fontconfig
scripts/package.sh
version=$(.venv/bin/python -c 'import arthur_desktop; print(arthur_desktop.__version__)')
scripts/apt-install.sh --reinstall "./dist/arthur-desktop_${version}_amd64.deb"
scripts/with-postgres.sh .venv/bin/python -m pytest -p no:cacheprovider packaging/tests "$@"
