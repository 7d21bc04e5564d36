#!/usr/bin/env bash
# The main job on a fresh machine: builds the desktop program and runs
# `mynapoint demo` (a simulated My Number Card, no reader needed).
# Arguments go to `mynapoint demo` (see `--help`).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/packages.sh
. scripts/packages.sh
install_packages "${BUILD_PACKAGES[@]}" >&2
# The first run compiles the workspace (a few minutes on 2 cores): cargo's
# progress goes to stderr, the demo's JSON (with --json) stays alone on stdout.
echo "building mynapoint (the first time takes a few minutes) ..." >&2
cargo build -p mynapoint-desktop --bin mynapoint >&2
exec cargo run -q -p mynapoint-desktop --bin mynapoint -- demo "$@"
