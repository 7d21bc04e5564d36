//! The vpcd attachment, against a stand-in vpcd on an ephemeral loopback port
//! (never 35963: a real vpcd there would take the test for a card).

mod common;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use cardsim::vpcd::{self, AttachEnd};
use cardsim::{PinId, SimCard, ATR};
use common::*;

fn frame(payload: &[u8]) -> Vec<u8> {
    let mut v = (payload.len() as u16).to_be_bytes().to_vec();
    v.extend_from_slice(payload);
    v
}

fn read_frame(s: &mut TcpStream) -> Vec<u8> {
    let mut len = [0u8; 2];
    s.read_exact(&mut len).unwrap();
    let mut payload = vec![0u8; usize::from(u16::from_be_bytes(len))];
    s.read_exact(&mut payload).unwrap();
    payload
}

fn exchange(s: &mut TcpStream, apdu: &str) -> Vec<u8> {
    s.write_all(&frame(&hex::decode(apdu).unwrap())).unwrap();
    read_frame(s)
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[test]
fn serves_atr_and_apdus_until_vpcd_closes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("card.json");
    card().persist_to(&path).unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let card_path = path.clone();
    let server = thread::spawn(move || {
        let mut card = SimCard::open(&card_path).unwrap();
        let stop = AtomicBool::new(false);
        let mut lines = Vec::new();
        let end = vpcd::attach(&mut card, &addr, Duration::from_secs(5), &stop, &mut |l| {
            lines.push(l.to_owned())
        });
        (end.unwrap(), lines)
    });
    let (mut s, _) = listener.accept().unwrap();
    s.write_all(&frame(&[1])).unwrap(); // power on
    s.write_all(&frame(&[4])).unwrap(); // ATR?
    assert_eq!(read_frame(&mut s), ATR);
    assert_eq!(exchange(&mut s, SELECT_JPKI), [0x90, 0x00]);
    assert_eq!(exchange(&mut s, "00A4020C020018"), [0x90, 0x00]);
    assert_eq!(exchange(&mut s, "00200080"), [0x63, 0xC3]);
    // Two frames in one write are both answered, in order.
    let mut both = frame(&hex::decode("002000800430303030").unwrap());
    both.extend(frame(&hex::decode("00200080").unwrap()));
    s.write_all(&both).unwrap();
    assert_eq!(read_frame(&mut s), [0x63, 0xC2]);
    assert_eq!(read_frame(&mut s), [0x63, 0xC2]);
    // Reset drops the selection.
    s.write_all(&frame(&[2])).unwrap();
    assert_eq!(exchange(&mut s, "00A4020C020018"), [0x6A, 0x82]);
    let r = exchange(&mut s, "00A4040C0AD392F000260100000001");
    assert_eq!(r, [0x90, 0x00]);
    let cert = exchange(&mut s, "00A4020C02000A");
    assert_eq!(cert, [0x90, 0x00]);
    let read = exchange(&mut s, "00B00000000800");
    assert_eq!(&read[read.len() - 2..], [0x90, 0x00]);
    drop(s);

    let (end, lines) = server.join().unwrap();
    assert_eq!(end, AttachEnd::Closed);
    assert!(lines.iter().any(|l| l.contains("card removed")));
    assert!(
        !lines.iter().any(|l| l.contains("30303030")),
        "no PIN in the log"
    );
    assert_eq!(SimCard::open(&path).unwrap().tries_left(PinId::Auth), 2);
}

#[test]
fn keeps_trying_until_vpcd_is_up() {
    let port = free_port();
    let addr = format!("127.0.0.1:{port}");
    let attach_addr = addr.clone();
    let server = thread::spawn(move || {
        let mut card = card();
        let stop = AtomicBool::new(false);
        vpcd::attach(
            &mut card,
            &attach_addr,
            Duration::from_secs(10),
            &stop,
            &mut |_| {},
        )
    });
    thread::sleep(Duration::from_millis(600));
    let listener = TcpListener::bind(&addr).unwrap();
    let (mut s, _) = listener.accept().unwrap();
    s.write_all(&frame(&[4])).unwrap();
    assert_eq!(read_frame(&mut s), ATR);
    drop(s);
    assert_eq!(server.join().unwrap().unwrap(), AttachEnd::Closed);
}

#[test]
fn gives_up_when_vpcd_never_comes() {
    let addr = format!("127.0.0.1:{}", free_port());
    let started = Instant::now();
    let stop = AtomicBool::new(false);
    let err = vpcd::attach(
        &mut card(),
        &addr,
        Duration::from_millis(400),
        &stop,
        &mut |_| {},
    )
    .unwrap_err();
    assert!(err.to_string().contains("did not accept"), "{err}");
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[test]
fn the_stop_flag_ends_a_quiet_connection() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    let server = thread::spawn(move || {
        vpcd::attach(
            &mut card(),
            &addr,
            Duration::from_secs(5),
            &flag,
            &mut |_| {},
        )
    });
    let (_s, _) = listener.accept().unwrap();
    thread::sleep(Duration::from_millis(300));
    stop.store(true, Ordering::SeqCst);
    assert_eq!(server.join().unwrap().unwrap(), AttachEnd::Stopped);
}
