//! The iOS app's declarations match the core: Core NFC lets an app SELECT
//! only the AIDs listed in Info.plist
//! (`com.apple.developer.nfc.readersession.iso7816.select-identifiers`), so
//! the list must be exactly the AIDs the core selects
//! (`mynapoint_core::card::files::SELECTED_AIDS`); the entitlement asks for
//! ISO 7816 tag sessions (`TAG`) and nothing else.

use mynapoint_core::card::files::SELECTED_AIDS;

fn app_file(name: &str) -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../ios/App/");
    std::fs::read_to_string(format!("{path}{name}")).expect("ios/App file")
}

/// The `<string>` items of the `<array>` that follows `<key>KEY</key>`.
fn plist_strings(plist: &str, key: &str) -> Vec<String> {
    let start = plist
        .find(&format!("<key>{key}</key>"))
        .unwrap_or_else(|| panic!("{key} missing"));
    let rest = &plist[start..];
    let array = &rest[rest.find("<array>").expect("array")..rest.find("</array>").expect("end")];
    array
        .split("<string>")
        .skip(1)
        .map(|s| s.split("</string>").next().unwrap_or("").trim().to_owned())
        .collect()
}

#[test]
fn info_plist_select_identifiers_are_the_aids_the_core_selects() {
    let listed = plist_strings(
        &app_file("Info.plist"),
        "com.apple.developer.nfc.readersession.iso7816.select-identifiers",
    );
    let mut core: Vec<String> = SELECTED_AIDS
        .iter()
        .map(|aid| aid.iter().map(|b| format!("{b:02X}")).collect())
        .collect();
    let mut sorted = listed.clone();
    sorted.sort();
    core.sort();
    assert_eq!(
        sorted, core,
        "Info.plist select-identifiers vs SELECTED_AIDS"
    );
    assert_eq!(listed.len(), core.len(), "no AID listed twice");
}

#[test]
fn info_plist_says_why_nfc_is_used() {
    let plist = app_file("Info.plist");
    let at = plist
        .find("<key>NFCReaderUsageDescription</key>")
        .expect("key");
    let text = plist[at..].split("<string>").nth(1).expect("value");
    assert!(text.split("</string>").next().unwrap_or("").trim().len() > 10);
}

#[test]
fn the_entitlement_asks_for_tag_sessions_only() {
    let formats = plist_strings(
        &app_file("Mynapoint.entitlements"),
        "com.apple.developer.nfc.readersession.formats",
    );
    assert_eq!(formats, ["TAG"]);
}
