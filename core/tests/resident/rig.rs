//! The kit's resident rig on the platform double, and the kit's cards,
//! taps, forms and secrets under one import.

pub use mynapoint_testkit::cards::*;
pub use mynapoint_testkit::forms::*;
pub use mynapoint_testkit::resident::*;
pub use mynapoint_testkit::secrets::*;
pub use mynapoint_testkit::taps::*;

/// The resident flow against a new platform double ([`Rig::new`]).
pub type Rig = ResidentRig<std::sync::Arc<mynapoint_testkit::fake::FakePlatform>>;

/// In a fresh tap: SELECT AP, SELECT EF, READ, SELECT PIN EF, query, VERIFY.
pub const VERIFY_AT: usize = 5;
