#!/usr/bin/env bash
# The whole check, as CI runs it (`bash .ci/run`): works on a fresh Debian 12
# machine with Rust, as root (or with sudo).
#
#   1. installs the system packages the tests need, only those missing:
#      pcscd, vsmartcard-vpcd (the virtual reader), libpcsclite-dev and
#      pkg-config (to build the pcsc crate), opensc and openssl (the
#      interoperability tests in desktop/tests/opensc_interop.rs run
#      pkcs15-tool, pkcs15-crypt, opensc-tool and openssl against cardsim)
#   2. cargo fmt --all --check
#   3. cargo clippy --workspace --all-targets -- -D warnings
#   4. cargo test --workspace
#   5. scripts/api-fuzz.sh: a bounded schemathesis run (PyPI, installed into
#      target/ with pip when missing) against `mynapoint-platform serve` on a
#      loopback port: no 5xx, only documented statuses, answers as in
#      platform/openapi.yaml (about a minute)
#   6. scripts/shells-test.sh: the Kotlin JVM tests of the Android shell
#      against the host library, and the Swift syntax check of every Swift
#      file (kotlin-compiler from npm, libjna-java from apt, tree-sitter from
#      PyPI, installed into target/tools when missing; about 2 minutes)
#
# The tests that need a reader start and stop their own pcscd (see
# tests/src/lib.rs, crate mynapoint-e2e); starting pcscd needs root. They
# share the one virtual reader through the harness lock, so test binaries
# and threads may run in parallel.
# Every step runs even if an earlier one failed; the summary lists them all.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# shellcheck source=scripts/packages.sh
. "$(dirname "${BASH_SOURCE[0]}")/packages.sh"

log() { printf '\n==> %s\n' "$*"; }

install_rust_components() {
    local missing=()
    cargo fmt --version >/dev/null 2>&1 || missing+=(rustfmt)
    cargo clippy --version >/dev/null 2>&1 || missing+=(clippy)
    if [ "${#missing[@]}" -gt 0 ]; then
        log "installing Rust components ${missing[*]}"
        rustup component add "${missing[@]}"
    fi
}

# A pcscd that runs but lacks the vpcd reader (started by the package's init
# script before vsmartcard-vpcd was configured) would make the reader tests
# wait in vain: restart it so it reads /etc/reader.conf.d/vpcd. A pcscd that
# is not running is left alone: the tests start their own.
ensure_vpcd_loaded() {
    local readers
    [ -S /run/pcscd/pcscd.comm ] || return 0
    readers=$(opensc-tool -l 2>/dev/null || true)
    if [ -z "$readers" ] || grep -q 'Virtual PCD' <<<"$readers"; then
        return 0 # not actually running (stale socket), or fine
    fi
    log "the running pcscd has no vpcd reader: restarting it"
    if [ -d /run/systemd/system ]; then
        as_root systemctl restart pcscd.service
    elif [ -x /etc/init.d/pcscd ]; then
        as_root /etc/init.d/pcscd restart
    else
        echo "warning: cannot restart pcscd; the reader tests will fail" >&2
    fi
}

# Steps: each records its result and time; none stops the others.
STEP_NAMES=()
STEP_RESULTS=()
FAILED=0

step() {
    local name=$1 start end rc=0
    shift
    log "$name: $*"
    start=$SECONDS
    "$@" || rc=$?
    end=$SECONDS
    STEP_NAMES+=("$name")
    if [ "$rc" -eq 0 ]; then
        STEP_RESULTS+=("ok      $((end - start))s")
    else
        STEP_RESULTS+=("FAILED  $((end - start))s (exit $rc)")
        FAILED=1
    fi
    return 0
}

summary() {
    local i
    printf '\n==================== summary ====================\n'
    for i in "${!STEP_NAMES[@]}"; do
        printf '%-10s %s\n' "${STEP_NAMES[$i]}" "${STEP_RESULTS[$i]}"
    done
    printf 'total      %ss\n' "$SECONDS"
    if [ "$FAILED" -eq 0 ]; then
        echo "ALL CHECKS PASSED"
    else
        echo "SOME CHECKS FAILED"
    fi
}

step setup install_packages "${TEST_PACKAGES[@]}"
# Without the packages nothing below can build or run: stop here.
if [ "$FAILED" -ne 0 ]; then
    summary
    exit 1
fi
step pcscd ensure_vpcd_loaded
step rust install_rust_components
step fmt cargo fmt --all --check
step clippy cargo clippy --workspace --all-targets -- -D warnings
step test cargo test --workspace
step api-fuzz bash scripts/api-fuzz.sh
step shells bash scripts/shells-test.sh

summary
exit "$FAILED"
