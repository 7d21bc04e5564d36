//! APDUs and bytes exchanged with the card for the operations the apps do,
//! ours against a baseline client measured in the same run.
//!
//! The baseline reads the way common public clients do: SELECT the AP and
//! the EF, READ the 4-byte DER header, then READ the rest; it VERIFYs without
//! asking the retry counter and re-selects the AP for every operation. Ours
//! reads the first chunk straight away (the header is inside it), never sends
//! a SELECT the card is already in, and keeps the PIN-safety query.
//!
//! Then the card steps of the resident application as taps (transports
//! opened) and APDUs: PIN first (the read takes the retry counter, each PIN
//! step is one tap that reads it again before VERIFY) against the split
//! flow it replaced (the counter read in a tap of its own before each PIN).
//!
//! Run: `cargo bench -p mynapoint-e2e --bench apdu_cost`

use std::sync::Arc;

use cardsim::{SharedCard, SimCard, SimTransport};
use mynapoint_core::card::apdu::{ins, Command};
use mynapoint_core::card::{files, tlv, CardLink, CardSession, ReaderCapabilities, TraceTotals};
use mynapoint_core::pin::{LastTry, Pin, PinKind};
use mynapoint_testkit::secrets::PIN;

fn main() {
    let state = mynapoint_testkit::cards::card_a().state;
    let cert_len = state_cert_len(&state);
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    println!("APDU cost per operation (user-auth certificate of {cert_len} bytes)");
    println!(
        "{:<34} {:<9} {:>6} {:>6} {:>9} {:>9} {:>9} {:>9}  {:>7}",
        "operation", "reader", "ours", "base", "sent", "base", "recv", "base", "APDUs"
    );
    for (reader, caps) in [
        ("phone", ReaderCapabilities::SHORT_ONLY),
        ("extended", ReaderCapabilities::EXTENDED),
    ] {
        let fresh = || SimCard::from_state(state.clone()).expect("card").shared();
        let ours_cert = rt.block_on(ours_read_certificate(fresh(), caps));
        let base_cert = rt.block_on(baseline(fresh(), caps, false));
        row("read certificate", reader, ours_cert, base_cert);
        let ours_sign = rt.block_on(ours_verify_sign(fresh(), caps));
        let base_sign = rt.block_on(baseline(fresh(), caps, true));
        let base_only_sign = TraceTotals {
            apdus: base_sign.apdus - base_cert.apdus,
            bytes_sent: base_sign.bytes_sent - base_cert.bytes_sent,
            bytes_received: base_sign.bytes_received - base_cert.bytes_received,
        };
        let ours_only_sign = TraceTotals {
            apdus: ours_sign.apdus - ours_cert.apdus,
            bytes_sent: ours_sign.bytes_sent - ours_cert.bytes_sent,
            bytes_received: ours_sign.bytes_received - ours_cert.bytes_received,
        };
        row(
            "verify PIN + sign (after read)",
            reader,
            ours_only_sign,
            base_only_sign,
        );
        row(
            "read certificate + verify + sign",
            reader,
            ours_sign,
            base_sign,
        );
    }
    println!("ratio = ours / baseline APDUs; ours includes the retry-counter query before VERIFY.");

    println!();
    println!("Resident application, card steps (read; PIN + login; PIN + signature)");
    println!(
        "{:<34} {:<9} {:>6} {:>6} {:>9} {:>9}",
        "flow", "reader", "taps", "APDUs", "sent", "recv"
    );
    for (reader, caps) in [
        ("phone", ReaderCapabilities::SHORT_ONLY),
        ("extended", ReaderCapabilities::EXTENDED),
    ] {
        for (what, pin_first) in [
            ("PIN first (ours)", true),
            ("counter in a tap of its own", false),
        ] {
            let card = SimCard::from_state(state.clone()).expect("card").shared();
            let (taps, totals) = rt.block_on(application_card_steps(card, caps, pin_first));
            println!(
                "{what:<34} {reader:<9} {taps:>6} {:>6} {:>9} {:>9}",
                totals.apdus, totals.bytes_sent, totals.bytes_received
            );
        }
    }
}

/// The resident application's card steps through one `CardSession`, a new
/// transport per tap: (taps, totals over every tap).
async fn application_card_steps(
    card: SharedCard,
    caps: ReaderCapabilities,
    pin_first: bool,
) -> (usize, TraceTotals) {
    let mut session = CardSession::new();
    let mut taps = 0;
    let mut sum = TraceTotals {
        apdus: 0,
        bytes_sent: 0,
        bytes_received: 0,
    };
    let mut add = |t: TraceTotals| {
        taps += 1;
        sum.apdus += t.apdus;
        sum.bytes_sent += t.bytes_sent;
        sum.bytes_received += t.bytes_received;
    };
    let mut tap = session
        .tap(transport(card.clone(), caps))
        .await
        .expect("tap");
    tap.certificate().await.expect("certificate");
    if pin_first {
        tap.pin_status(PinKind::UserAuth).await.expect("counter");
    }
    add(tap.link().trace().totals());
    drop(tap);
    for digest in [[0x5A; 32], [0xA5; 32]] {
        if !pin_first {
            let mut tap = session
                .tap(transport(card.clone(), caps))
                .await
                .expect("tap");
            tap.pin_status(PinKind::UserAuth).await.expect("counter");
            add(tap.link().trace().totals());
        }
        session.enter_pin(Pin::user_auth(PIN).expect("pin"));
        let mut tap = session
            .tap(transport(card.clone(), caps))
            .await
            .expect("tap");
        tap.verify(PinKind::UserAuth, LastTry::Refuse)
            .await
            .expect("verify");
        tap.sign(&digest).await.expect("sign");
        add(tap.link().trace().totals());
    }
    (taps, sum)
}

fn state_cert_len(state: &cardsim::CardState) -> usize {
    let card = SimCard::from_state(state.clone()).expect("card");
    card.auth_certificate_der().len()
}

fn row(what: &str, reader: &str, ours: TraceTotals, base: TraceTotals) {
    println!(
        "{what:<34} {reader:<9} {:>6} {:>6} {:>9} {:>9} {:>9} {:>9}  {:>6.2}x",
        ours.apdus,
        base.apdus,
        ours.bytes_sent,
        base.bytes_sent,
        ours.bytes_received,
        base.bytes_received,
        ours.apdus as f64 / base.apdus as f64
    );
}

fn transport(card: SharedCard, caps: ReaderCapabilities) -> Arc<SimTransport> {
    Arc::new(SimTransport::with_capabilities(card, caps))
}

async fn ours_read_certificate(card: SharedCard, caps: ReaderCapabilities) -> TraceTotals {
    let mut session = CardSession::new();
    let mut tap = session.tap(transport(card, caps)).await.expect("tap");
    tap.certificate().await.expect("certificate");
    tap.link().trace().totals()
}

async fn ours_verify_sign(card: SharedCard, caps: ReaderCapabilities) -> TraceTotals {
    let mut session = CardSession::new();
    let mut tap = session.tap(transport(card, caps)).await.expect("tap");
    tap.certificate().await.expect("certificate");
    tap.enter_pin(Pin::user_auth(PIN).expect("pin"));
    tap.verify(PinKind::UserAuth, LastTry::Refuse)
        .await
        .expect("verify");
    tap.sign(&[0x5A; 32]).await.expect("sign");
    tap.link().trace().totals()
}

/// The baseline client: header-first reads, no retry query, AP re-selected
/// per operation.
async fn baseline(card: SharedCard, caps: ReaderCapabilities, then_sign: bool) -> TraceTotals {
    let mut link = CardLink::new(transport(card, caps));
    let select_ap = Command::new(0x00, ins::SELECT, 0x04, 0x0C).with_data(files::JPKI_AID.to_vec());
    let select_ef =
        |ef: u16| Command::new(0x00, ins::SELECT, 0x02, 0x0C).with_data(ef.to_be_bytes().to_vec());
    let read = |offset: usize, le: usize| {
        Command::new(0x00, ins::READ_BINARY, (offset >> 8) as u8, offset as u8).with_le(le)
    };
    link.exchange(&select_ap).await.expect("select");
    link.exchange(&select_ef(files::jpki::AUTH_CERT))
        .await
        .expect("select");
    let header = link.exchange(&read(0, 4)).await.expect("read").data;
    let total = tlv::read_header(&header).expect("header").total_len();
    let step = link.max_read();
    let mut offset = 4;
    while offset < total {
        let want = (total - offset).min(step);
        offset += link
            .exchange(&read(offset, want))
            .await
            .expect("read")
            .data
            .len();
    }
    if then_sign {
        link.exchange(&select_ap).await.expect("select");
        link.exchange(&select_ef(files::jpki::AUTH_PIN))
            .await
            .expect("select");
        let verify = Command::new(0x00, ins::VERIFY, 0x00, 0x80).with_data(PIN.as_bytes().to_vec());
        assert!(link.exchange(&verify).await.expect("verify").sw.is_ok());
        link.exchange(&select_ef(files::jpki::AUTH_KEY))
            .await
            .expect("select");
        let sign = Command::new(0x80, ins::COMPUTE_DIGITAL_SIGNATURE, 0x00, 0x80)
            .with_data(mynapoint_core::card::sha256_digest_info(&[0x5A; 32]).to_vec())
            .with_le(256);
        assert!(link.exchange(&sign).await.expect("sign").sw.is_ok());
    }
    link.trace().totals()
}
