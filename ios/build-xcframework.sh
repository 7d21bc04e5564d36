#!/usr/bin/env bash
# On a Mac with Xcode and Rust: builds the Rust library for the iOS device
# and simulators (profile `mobile`: LTO, size), generates the Swift bindings
# from an unstripped build, and packs build/MynapointCoreFFI.xcframework
# plus build/Generated/{Core,Domain}/*.swift for Package.swift (one Swift
# module per crate with uniffi types: the bindings and the core's domain).
#   rustup target add aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios
#   bash ios/build-xcframework.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

OUT=ios/build
rm -rf "$OUT" && mkdir -p "$OUT/Generated/Core" "$OUT/Generated/Domain" "$OUT/headers" "$OUT/sim"

for target in aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios; do
    cargo build -p mynapoint-bindings --profile mobile --target "$target"
done

# Bindings from the unstripped host (macOS) library: same sources, same metadata.
cargo build -p mynapoint-bindings --profile mobile
cargo run -q -p uniffi-bindgen -- generate --no-format \
    --library target/mobile/libmynapoint_ffi.dylib --language swift --out-dir "$OUT/swift"
mv "$OUT/swift/MynapointCore.swift" "$OUT/Generated/Core/"
mv "$OUT/swift/MynapointDomain.swift" "$OUT/Generated/Domain/"
cp "$OUT"/swift/*FFI.h "$OUT/headers/"
# One module map for the framework's headers, declaring both FFI modules.
cat "$OUT"/swift/*FFI.modulemap > "$OUT/headers/module.modulemap"

# One static library for both simulator architectures.
lipo -create \
    target/aarch64-apple-ios-sim/mobile/libmynapoint_ffi.a \
    target/x86_64-apple-ios/mobile/libmynapoint_ffi.a \
    -output "$OUT/sim/libmynapoint_ffi.a"

# Static libraries are stripped of local symbols only (the app's link strips the rest).
strip -S -x -o "$OUT/libmynapoint_ffi-ios.a" target/aarch64-apple-ios/mobile/libmynapoint_ffi.a
strip -S -x "$OUT/sim/libmynapoint_ffi.a"

xcodebuild -create-xcframework \
    -library "$OUT/libmynapoint_ffi-ios.a" -headers "$OUT/headers" \
    -library "$OUT/sim/libmynapoint_ffi.a" -headers "$OUT/headers" \
    -output "$OUT/MynapointCoreFFI.xcframework"
echo "built $OUT/MynapointCoreFFI.xcframework and $OUT/Generated/{Core,Domain}"
