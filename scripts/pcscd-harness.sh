#!/usr/bin/env bash
# Manual counterpart of the Rust test harness (tests/src/lib.rs): run a
# private pcscd with the vpcd virtual reader for trying `mynapoint` by hand.
#
#   scripts/pcscd-harness.sh start    # pcscd -f -a in the background, waits for "Virtual PCD 00 00"
#   scripts/pcscd-harness.sh status
#   scripts/pcscd-harness.sh stop     # SIGTERM to the pcscd this script started
#
# Needs root and the packages pcscd + vsmartcard-vpcd (scripts/test.sh
# installs them). A pcscd that was already running is reused and never stopped.
# The automated tests do not use this script: they start their own pcscd.
set -euo pipefail

STATE_DIR=${TMPDIR:-/tmp}/mynapoint-pcscd
PID_FILE=$STATE_DIR/pid
LOG_FILE=$STATE_DIR/pcscd.log
READER="Virtual PCD 00 00"

pcscd_bin() {
    command -v pcscd 2>/dev/null || { [ -x /usr/sbin/pcscd ] && echo /usr/sbin/pcscd; } || {
        echo "error: pcscd is not installed (apt-get install pcscd vsmartcard-vpcd)" >&2
        exit 1
    }
}

ours_running() {
    [ -f "$PID_FILE" ] && kill -0 "$(cat "$PID_FILE")" 2>/dev/null
}

service_up() {
    # The socket exists and a client can list readers (even zero of them).
    [ -S /run/pcscd/pcscd.comm ] && opensc-tool -l >/dev/null 2>&1
}

wait_reader() {
    local i
    for i in $(seq 1 100); do
        if opensc-tool -l 2>/dev/null | grep -q "$READER"; then
            return 0
        fi
        sleep 0.2
    done
    echo "error: \"$READER\" did not appear; see $LOG_FILE" >&2
    return 1
}

case ${1:-} in
start)
    if ours_running; then
        echo "pcscd already started by this script (pid $(cat "$PID_FILE"))"
    elif service_up; then
        echo "a pcscd is already running: reusing it"
    else
        [ "$(id -u)" -eq 0 ] || { echo "error: starting pcscd needs root" >&2; exit 1; }
        mkdir -p "$STATE_DIR"
        # A stale socket (pcscd killed with SIGKILL) makes pcscd refuse to start.
        rm -f /run/pcscd/pcscd.comm /run/pcscd/pcscd.pid
        "$(pcscd_bin)" -f -a >"$LOG_FILE" 2>&1 </dev/null &
        echo $! >"$PID_FILE"
        echo "started pcscd (pid $!), log: $LOG_FILE"
    fi
    wait_reader
    opensc-tool -l
    echo "attach a virtual card to 127.0.0.1:35963"
    ;;
stop)
    if ours_running; then
        pid=$(cat "$PID_FILE")
        kill -TERM "$pid"
        for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
        rm -f "$PID_FILE"
        echo "stopped pcscd (pid $pid)"
    else
        rm -f "$PID_FILE"
        echo "no pcscd started by this script"
    fi
    ;;
status)
    if ours_running; then echo "pcscd started by this script: pid $(cat "$PID_FILE")"; fi
    if service_up; then opensc-tool -l; else echo "no PC/SC service"; exit 3; fi
    ;;
*)
    echo "usage: $0 start|stop|status" >&2
    exit 2
    ;;
esac
