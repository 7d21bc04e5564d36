//! Shared fixtures for the card-layer tests: two simulated cards made once
//! per test binary (RSA key generation is the slow part) and cloned per test.

#![allow(dead_code)]

use std::sync::{Arc, OnceLock};

use cardsim::{CardSpec, CardState, PinId, SharedCard, SimCard, SimTransport};
use mynapoint_core::card::{CardTransport, CertificateInfo, ReaderCapabilities};
use rsa::pkcs8::DecodePublicKey;
use rsa::{Pkcs1v15Sign, RsaPublicKey};
use sha2::Sha256;

pub const PIN: &str = "1234";
pub const WRONG_PIN: &str = "9999";
pub const CARD_INFO_PIN: &str = "5678";
pub const CODE_B: &str = "01040120310042";
pub const SERIAL_A: u32 = 0x0123_4567;
pub const SERIAL_B: u32 = 0x0765_4321;

fn spec(serial: u32) -> CardSpec {
    CardSpec::new()
        .auth_pin(PIN)
        .card_info_pin(CARD_INFO_PIN)
        .code_b(CODE_B)
        .name("番号 太郎")
        .address("東京都千代田区霞が関2-1-2")
        .birth_date("19890401")
        .serial(serial)
}

/// Card A, fresh (3 tries everywhere).
pub fn card_a() -> SharedCard {
    static STATE: OnceLock<CardState> = OnceLock::new();
    let state = STATE.get_or_init(|| spec(SERIAL_A).build().expect("card A"));
    SimCard::from_state(state.clone())
        .expect("card A state")
        .shared()
}

/// Card B: another holder's card.
pub fn card_b() -> SharedCard {
    static STATE: OnceLock<CardState> = OnceLock::new();
    let state = STATE.get_or_init(|| spec(SERIAL_B).build().expect("card B"));
    SimCard::from_state(state.clone())
        .expect("card B state")
        .shared()
}

/// A new tap of `card` on a reader with `caps`.
pub fn tap_on(card: &SharedCard, caps: ReaderCapabilities) -> Arc<SimTransport> {
    Arc::new(SimTransport::with_capabilities(card.clone(), caps))
}

/// A new tap of `card` on a phone that carries short APDUs only.
pub fn phone_tap(card: &SharedCard) -> Arc<SimTransport> {
    tap_on(card, ReaderCapabilities::SHORT_ONLY)
}

pub fn dyn_transport(t: &Arc<SimTransport>) -> Arc<dyn CardTransport> {
    t.clone()
}

pub fn tries_left(card: &SharedCard) -> u8 {
    card.lock().unwrap().tries_left(PinId::Auth)
}

/// Whether `signature` is the PKCS#1 v1.5 SHA-256 signature of `digest` by
/// the key of `cert`.
pub fn signature_verifies(cert: &CertificateInfo, digest: &[u8; 32], signature: &[u8]) -> bool {
    let key = RsaPublicKey::from_public_key_der(&cert.public_key_der).expect("RSA key");
    key.verify(Pkcs1v15Sign::new::<Sha256>(), digest, signature)
        .is_ok()
}

/// The INS bytes of the commands that reached the card, in order.
pub fn instructions(t: &SimTransport) -> Vec<u8> {
    t.commands_reached_card().iter().map(|c| c[1]).collect()
}
