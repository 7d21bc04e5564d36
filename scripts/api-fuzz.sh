#!/usr/bin/env bash
# A bounded property-based run of schemathesis (PyPI) against the reference
# platform: `mynapoint-platform serve` (a debug build, which answers 500 for
# any error code its route does not declare) on a free loopback port with a
# database in a temporary directory, tested against platform/openapi.yaml.
#
# A simulated card logs in first (platform/examples/card_login.rs) and its
# session token goes with every request. Checks: no 5xx, every status documented for its operation, the content
# type and body of every answer as documented, schema-invalid requests
# refused. Bounded: SCHEMATHESIS_MAX_EXAMPLES cases per operation (default
# 25), SCHEMATHESIS_MAX_TIME seconds of fuzzing (default 60), and a hard
# limit of 170 s for the whole run. SCHEMATHESIS_SEED repeats a run.
#
# schemathesis is installed with pip into target/schemathesis-venv when
# missing (on Debian 12, python3-venv is apt-installed first if needed).
# Exit status: schemathesis's (non-zero when it found a problem).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/packages.sh
. scripts/packages.sh

SCHEMATHESIS_VERSION=4.32.5
VENV=target/schemathesis-venv
ST=$VENV/bin/schemathesis
ROOT=$PWD

ensure_schemathesis() {
    if [ -x "$ST" ] && "$ST" --version 2>/dev/null | grep -q "$SCHEMATHESIS_VERSION"; then
        return 0
    fi
    echo "installing schemathesis $SCHEMATHESIS_VERSION into $VENV"
    rm -rf "$VENV"
    if ! python3 -m venv "$VENV" 2>/dev/null; then
        install_packages python3 python3-venv
        rm -rf "$VENV"
        python3 -m venv "$VENV"
    fi
    "$VENV/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
}

ensure_schemathesis
cargo build --quiet -p mynapoint-platform --bin mynapoint-platform --example card_login

WORK=$(mktemp -d)
SERVER_PID=
cleanup() {
    if [ -n "$SERVER_PID" ]; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

target/debug/mynapoint-platform serve --listen 127.0.0.1:0 --db "$WORK/platform.db" \
    >"$WORK/stdout" 2>"$WORK/server.log" &
SERVER_PID=$!
URL=
for _ in $(seq 1 100); do
    URL=$(sed -n 's/^listening on //p' "$WORK/stdout")
    [ -n "$URL" ] && break
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
        echo "error: the platform did not start:" >&2
        cat "$WORK/server.log" >&2
        exit 1
    fi
    sleep 0.1
done
if [ -z "$URL" ]; then
    echo "error: the platform did not say where it listens" >&2
    exit 1
fi
echo "platform at $URL"
# A card login, so the routes behind it are reached as well (one session:
# candidates and checks run out, as they would for a person).
TOKEN=$(target/debug/examples/card_login "$URL")

args=(
    run "$ROOT/platform/openapi.yaml"
    --url "$URL"
    --header "Authorization: Bearer $TOKEN"
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,negative_data_rejection
    --phases examples,coverage,fuzzing
    --max-examples "${SCHEMATHESIS_MAX_EXAMPLES:-25}"
    --max-time "${SCHEMATHESIS_MAX_TIME:-60}"
    --request-timeout 10
    --workers 1
    --no-color
)
if [ -n "${SCHEMATHESIS_SEED:-}" ]; then
    args+=(--seed "$SCHEMATHESIS_SEED")
fi
rc=0
# Run in the temporary directory: schemathesis keeps its example database there.
(cd "$WORK" && timeout 170 "$ROOT/$ST" "${args[@]}") || rc=$?
if [ "$rc" -ne 0 ]; then
    echo "schemathesis found problems (exit $rc); the server's log:" >&2
    tail -n 40 "$WORK/server.log" >&2
fi
exit "$rc"
