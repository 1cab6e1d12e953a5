#!/usr/bin/env bash
# Proves the built artefact, not the sources (run as root on Debian): builds the bundle and the .deb
# (scripts/package.sh), installs the .deb as an IT department would (apt-get install ./...deb), and runs
# packaging/tests against the installed program, in a sandbox with no venv and no Python. Leaves it installed.
# Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test
scripts/package.sh
version=$(.venv/bin/python -c 'import arthur_desktop; print(arthur_desktop.__version__)')
scripts/apt-install.sh --reinstall "./dist/arthur-desktop_${version}_amd64.deb"
.venv/bin/python -m pytest -p no:cacheprovider packaging/tests "$@"
