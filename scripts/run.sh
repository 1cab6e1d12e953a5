#!/usr/bin/env bash
# Installs everything the app needs on a fresh Debian machine (as root) and starts Arthur Desktop.
# Arguments go to the program: scripts/run.sh --database-url sqlite:// , scripts/run.sh performance, ...
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh app
exec .venv/bin/arthur-desktop "$@"
