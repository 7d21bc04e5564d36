//! `cargo run -p uniffi-bindgen -- generate --library target/debug/libmynapoint_ffi.so …`
//! (scripts/bindings.sh runs it). Its own crate, so running it never
//! rebuilds the library with other features.

fn main() {
    uniffi::uniffi_bindgen_main()
}
