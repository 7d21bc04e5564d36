//! The field point-grant session: certificate head reads, login and
//! device registration, roster sync, offline verdicts, the device store,
//! upload (against `mynapoint_testkit::fake::field::FakeField`).

mod cert_head;
mod login;
mod rig;
mod sync;
mod taps;
mod upload;

/// The field session crosses threads and FFI as one object (uniffi needs
/// `Send + Sync`; its futures must be `Send`).
#[test]
fn the_session_is_send_and_sync_and_its_futures_are_send() {
    fn send_sync<T: Send + Sync>() {}
    fn send<T: Send>(_: &T) {}
    send_sync::<mynapoint_core::field::FieldSession>();
    send_sync::<mynapoint_core::field::TapVerdict>();
    let rig = rig::Rig::new();
    send(&rig.session.tap(mynapoint_testkit::cards::card_a().t()));
    send(&rig.session.upload());
    send(&rig.session.login("00000001", "x"));
}
