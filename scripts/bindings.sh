#!/usr/bin/env bash
# Builds the phone library for this machine and generates its Kotlin and
# Swift bindings from the UNSTRIPPED library (uniffi reads the metadata
# symbols), then strips a copy.
#
#   bash scripts/bindings.sh            # debug, with the test-only exports
#                                       # (what the Kotlin JVM tests use)
#   bash scripts/bindings.sh --ship     # profile `mobile` (LTO, opt-level z),
#                                       # no test exports, + size report
#
# Output (target/bindings/):
#   kotlin/jp/mynapoint/domain/mynapoint_domain.kt  the core's domain types
#   kotlin/jp/mynapoint/core/mynapoint_ffi.kt    generated Kotlin (JVM form;
#                                                the Android build passes
#                                                android = true itself)
#   swift/MynapointCore.swift, MynapointCoreFFI.h, MynapointCoreFFI.modulemap
#   swift/MynapointDomain.swift, MynapointDomainFFI.h, …  (the core's types)
#   lib/libmynapoint_ffi.so                      unstripped host library
#   lib/libmynapoint_ffi.stripped.so             stripped copy
# and with --ship: size.txt (the stripped size and the size per crate).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

mode=test
[ "${1:-}" = "--ship" ] && mode=ship

OUT=target/bindings
rm -rf "$OUT/kotlin" "$OUT/swift"
mkdir -p "$OUT/kotlin" "$OUT/swift" "$OUT/lib"

if [ "$mode" = ship ]; then
    # Relative relocations packed (RELR), as the Android NDK's clang links
    # every library for minSdk 23+ (`--pack-dyn-relocs=android`, `relr` from
    # API 28): without it the host figure would count ~0.2 MB of plain
    # relocations that no phone build carries. Only the final link changes.
    cargo rustc -p mynapoint-bindings --profile mobile --crate-type cdylib \
        -- -C link-arg=-Wl,-z,pack-relative-relocs
    LIB=target/mobile/libmynapoint_ffi.so
else
    cargo build -p mynapoint-bindings --features test-support
    LIB=target/debug/libmynapoint_ffi.so
fi
cargo build -q -p uniffi-bindgen
BINDGEN=target/debug/uniffi-bindgen

cp "$LIB" "$OUT/lib/libmynapoint_ffi.so"
"$BINDGEN" generate --no-format --library "$OUT/lib/libmynapoint_ffi.so" \
    --language kotlin --out-dir "$OUT/kotlin"
"$BINDGEN" generate --no-format --library "$OUT/lib/libmynapoint_ffi.so" \
    --language swift --out-dir "$OUT/swift"

# One file per crate with uniffi types: the bindings crate (MynapointCore,
# jp.mynapoint.core) and the core's domain types (MynapointDomain,
# jp.mynapoint.domain). Each header must match the library: every
# scaffolding symbol it declares is exported, and it compiles as C11.
for H in "$OUT"/swift/*FFI.h; do
    missing=$(comm -23 \
        <(grep -oE '\b(uniffi|ffi)_mynapoint_(ffi|core)_[A-Za-z0-9_]+' "$H" | sort -u) \
        <(nm -D --defined-only "$OUT/lib/libmynapoint_ffi.so" | awk '{print $3}' | sort -u))
    if [ -n "$missing" ]; then
        echo "symbols in $H but not in the library:" >&2
        echo "$missing" >&2
        exit 1
    fi
    gcc -fsyntax-only -x c -std=c11 -Wall -Werror -D_Nullable= -D_Nonnull= -include "$H" /dev/null
done

strip -o "$OUT/lib/libmynapoint_ffi.stripped.so" "$OUT/lib/libmynapoint_ffi.so"

if [ "$mode" = ship ]; then
    python3 scripts/size-report.py "$OUT/lib/libmynapoint_ffi.so" "$OUT/lib/libmynapoint_ffi.stripped.so" \
        | tee "$OUT/size.txt"
fi
echo "bindings in $OUT ($mode build)"
