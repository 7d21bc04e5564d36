#!/usr/bin/env bash
# The Android shell's plain-Kotlin part on the JVM: the generated bindings,
# android/src/main/kotlin/jp/mynapoint/shell and the tests in
# android/src/test/kotlin compile with -Werror and run against the host
# library (debug, with the test-only exports), a simulated card behind a
# Kotlin transport and the reference platform in process.
#
# Needs: kotlin-compiler from npm (pinned; its coroutines jar is used) in
# target/tools, and Debian's libjna-java (scripts/test.sh installs both).
#   bash scripts/android-jvm-test.sh [NAME-FILTER]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

K=target/tools/node_modules/kotlin-compiler
L=$K/lib
JNA=/usr/share/java/jna.jar
[ -x "$K/bin/kotlinc" ] || { echo "kotlinc missing: run scripts/test.sh (or npm install kotlin-compiler@2.4.20 in target/tools)" >&2; exit 1; }
[ -f "$JNA" ] || { echo "$JNA missing: apt-get install libjna-java" >&2; exit 1; }

bash scripts/bindings.sh
OUT=target/android-jvm
rm -rf "$OUT" && mkdir -p "$OUT"
CP="$JNA:$L/kotlinx-coroutines-core-jvm.jar:$L/kotlin-test.jar"
"$K/bin/kotlinc" -Werror -cp "$CP" \
    target/bindings/kotlin/jp/mynapoint/*/*.kt \
    android/src/main/kotlin/jp/mynapoint/shell/*.kt \
    android/src/test/kotlin/jp/mynapoint/shell/*.kt \
    -d "$OUT/tests.jar" 2>&1 | grep -v '^warning: unable to find kotlin-stdlib.jar' || true
[ -f "$OUT/tests.jar" ] || { echo "Kotlin compilation failed" >&2; exit 1; }
RUST_BACKTRACE=0 java -cp "$OUT/tests.jar:$CP:$L/kotlin-stdlib.jar" \
    -Djna.library.path="$PWD/target/bindings/lib" \
    -Dmynapoint.failureCodes=core/failure-codes.txt \
    jp.mynapoint.shell.MainKt "$@"
