#!/usr/bin/env bash
# The phone shells' tests on a machine without Android or Apple SDKs:
#   1. the Kotlin JVM tests (scripts/android-jvm-test.sh): generated
#      bindings + the shell's plain Kotlin + tests compiled with -Werror,
#      run against the host library with a simulated card behind a Kotlin
#      transport and the reference platform in process
#   2. the Swift syntax check (scripts/swift-check.py) of every Swift file,
#      generated and hand-written (the Info.plist AID test is a cargo test:
#      bindings/tests/ios_app_files.rs)
# Installs what is missing, once: a JRE, npm and libjna-java (apt),
# kotlin-compiler (npm, pinned: its coroutines jar is the one used) into
# target/tools, tree-sitter + tree-sitter-swift (PyPI, pinned) into
# target/tools/venv. About 2 minutes after the first run.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/packages.sh
. scripts/packages.sh

KOTLIN_VERSION=2.4.20
TREE_SITTER="tree-sitter==0.26.1 tree-sitter-swift==0.7.4"
TOOLS=target/tools

ensure_tools() {
    local apt=(libjna-java)
    command -v java >/dev/null 2>&1 || apt+=(openjdk-17-jre-headless)
    command -v npm >/dev/null 2>&1 || apt+=(npm)
    python3 -m venv --help >/dev/null 2>&1 || apt+=(python3-venv)
    install_packages "${apt[@]}"
    local k=$TOOLS/node_modules/kotlin-compiler
    if ! grep -q "\"version\": \"$KOTLIN_VERSION\"" "$k/package.json" 2>/dev/null; then
        echo "installing kotlin-compiler $KOTLIN_VERSION into $TOOLS"
        mkdir -p "$TOOLS"
        (cd "$TOOLS" && npm install --no-audit --no-fund --silent "kotlin-compiler@$KOTLIN_VERSION")
    fi
    if ! "$TOOLS/venv/bin/python" -c 'import tree_sitter, tree_sitter_swift' 2>/dev/null; then
        echo "installing $TREE_SITTER into $TOOLS/venv"
        rm -rf "$TOOLS/venv"
        python3 -m venv "$TOOLS/venv"
        # shellcheck disable=SC2086
        "$TOOLS/venv/bin/pip" install --quiet --disable-pip-version-check $TREE_SITTER
    fi
}

ensure_tools
rc=0
bash scripts/android-jvm-test.sh || rc=1
"$TOOLS/venv/bin/python" scripts/swift-check.py || rc=1
exit "$rc"
