use mynapoint_contract::grant::{CardIdentity, RosterEntry};

use super::*;
use crate::secret_store::MemorySecretStore;

fn project(id: &str) -> GrantProject {
    GrantProject {
        project_id: id.into(),
        point_id: "13101001".into(),
        name: "健康教室".into(),
        department: "健康推進課".into(),
        points_per_grant: 100,
        remarks: String::new(),
        open: true,
    }
}

fn municipality() -> Municipality {
    Municipality {
        code: "131016".into(),
        name: "千代田区".into(),
        point_name: "ちよだポイント".into(),
        expiry_days: 60,
    }
}

fn tap(n: u8) -> (Tap, [u8; 32]) {
    let tap = Tap {
        tap_id: TapId::new(),
        project_id: "0001".into(),
        tapped_at: 1_800_000_000 + u64::from(n),
        card: CardIdentity {
            serial: format!("{n:02X}"),
            issuer: "CN=Issuer".into(),
            subject_cn: format!("PERSON{n}"),
            not_before: 0,
            not_after: u64::MAX / 2,
        },
        offline_verdict: OfflineVerdict::NotOnRoster,
    };
    (tap, [n; 32])
}

use mynapoint_contract::grant::{OfflineVerdict, Tap, TapId};

#[test]
fn a_batch_not_answered_is_sent_again_with_the_same_id_and_taps() {
    let secrets = MemorySecretStore::new();
    let mut store = DeviceStore::open_in_memory(&secrets).unwrap();
    store
        .save_login("00000001", &municipality(), &[project("0001")])
        .unwrap();
    for n in 0..5 {
        let (t, d) = tap(n);
        store
            .record_tap(StoredTap {
                tap: &t,
                person_digest: &d,
            })
            .unwrap();
    }
    let (first, taps) = store.next_batch(3, 0).unwrap().unwrap();
    assert_eq!(taps.len(), 3);
    let (again, same) = store.next_batch(3, 0).unwrap().unwrap();
    assert_eq!((&again, &same), (&first, &taps));
    store.record_outcomes(&first, &[]).unwrap();
    let (second, rest) = store.next_batch(3, 0).unwrap().unwrap();
    assert_ne!(second, first);
    assert_eq!(rest.len(), 2);
    store.record_outcomes(&second, &[]).unwrap();
    assert_eq!(store.next_batch(3, 0).unwrap(), None);
}

#[test]
fn an_incremental_sync_adds_changes_and_removes_and_a_full_one_replaces() {
    let secrets = MemorySecretStore::new();
    let mut store = DeviceStore::open_in_memory(&secrets).unwrap();
    store
        .save_login("00000001", &municipality(), &[project("0001")])
        .unwrap();
    let entry = |id: &str, d: u8, removed| RosterEntry {
        my_key_id: id.into(),
        person_digest: vec![d; 32],
        points: 100,
        removed,
    };
    let sync = |version, full, entries| RosterSync {
        project_id: "0001".into(),
        version,
        full,
        salt: vec![9; 16],
        entries,
    };
    store
        .apply_roster(&sync(
            2,
            true,
            vec![entry("a", 1, false), entry("b", 2, false)],
        ))
        .unwrap();
    store
        .apply_roster(&sync(
            3,
            false,
            vec![entry("a", 1, true), entry("c", 3, false)],
        ))
        .unwrap();
    assert_eq!(store.roster_lookup("0001", &[1; 32]).unwrap(), None);
    assert_eq!(
        store
            .roster_lookup("0001", &[3; 32])
            .unwrap()
            .unwrap()
            .my_key_id,
        "c"
    );
    let p = store.project("0001").unwrap().unwrap();
    assert_eq!((p.roster_version, p.roster_len), (3, 2));
    store
        .apply_roster(&sync(4, true, vec![entry("d", 4, false)]))
        .unwrap();
    assert_eq!(store.project("0001").unwrap().unwrap().roster_len, 1);
    assert_eq!(store.salt("0001").unwrap(), Some([9; 16]));
}
