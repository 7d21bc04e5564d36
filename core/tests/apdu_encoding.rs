//! The core's command encoding, checked by an independent parser: cardsim's
//! (written apart from the core, ISO/IEC 7816-3 cases 1 to 4, short and
//! extended), so a wrong belief about the encoding is not shared by both sides.

use cardsim::command_apdu::CommandApdu;
use mynapoint_core::card::Command;
use proptest::prelude::*;

proptest! {
    #[test]
    fn an_independent_parser_reads_back_what_the_core_encodes(
        cla in any::<u8>(), ins in any::<u8>(), p1 in any::<u8>(), p2 in any::<u8>(),
        data in proptest::collection::vec(any::<u8>(), 0..600),
        le in proptest::option::of(1usize..=65_536),
    ) {
        let mut cmd = Command::new(cla, ins, p1, p2).with_data(data.clone());
        cmd.le = le;
        let bytes = cmd.encode().unwrap();
        let parsed = CommandApdu::parse(&bytes).unwrap();
        prop_assert_eq!((parsed.cla, parsed.ins, parsed.p1, parsed.p2), (cla, ins, p1, p2));
        prop_assert_eq!(parsed.data, &data[..]);
        prop_assert_eq!(parsed.le, le);
        // Short form whenever it fits (phones carry short APDUs only).
        let fits_short = data.len() <= 255 && le.is_none_or(|n| n <= 256);
        prop_assert_eq!(parsed.extended, !fits_short);
    }
}
