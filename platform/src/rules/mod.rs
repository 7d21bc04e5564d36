//! The platform's rules: what `../shared/domain.md` asks of the server, as
//! plain functions over [`Platform`] (no HTTP library, no SQL). They read a
//! request through [`fields::JsonBody`], answer the contract's types or an
//! [`error::ApiError`], and write through the storage layer's [`Store`],
//! whose methods each run one transaction.
//!
//! | module | rules |
//! |---|---|
//! | [`card_login`] | challenge (random, once, expiring), the card's signature over it, the certificate's trust (chain, validity, revocation, key usage), a reissued card updating the record, sessions (bound to one certificate, idle timeout) |
//! | [`my_key_id`] | the id's format, auto-generation (3 candidates, the 3rd final), own choice (3 checks, then auto), the issue fields (password, e-mail, notifications, base municipality), one per person, change (old id retired), revoke (final), one choice per card login |
//! | [`catalogue`] | the payment services, their payment-ID and security-code rules, keyword search |
//! | [`applications`] | one application per person, the content the card signs (with its categories), categories added later with the card again, the child under 15 with the legal representative's card, one person per payment account, sealed secrets |
//! | [`eligibility`] | the 2nd installment's three categories per person (facts from other systems, set by the administrator), the one service that cannot change, what to do first for a category not open yet |
//! | [`field`] | the field point-grant app: terminals and their devices, rosters and their sync, signed tap uploads granting once per person and project, the not-on-roster list and add-registration, administration, grant history and balances, the outbox and its mailer |
//! | [`idempotency`] | a repeated write gets the first answer and changes nothing; a key reused for another request is refused |
//! | [`error`], [`fields`] | how a refusal is said; how a body is read |

pub mod applications;
pub mod card_login;
pub mod catalogue;
pub mod eligibility;
pub mod error;
pub mod field;
pub mod fields;
pub mod idempotency;
pub mod my_key_id;

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use crate::clock::Clock;
use crate::config::Config;
use crate::crypto::SealingKey;
use crate::store::Store;
use card_login::certificate::TrustStore;
use card_login::challenges::Challenges;
use card_login::sessions::Sessions;
use catalogue::Catalogue;

/// Everything the rules use: configuration, clock, database, keys, trust
/// anchors, catalogue, and the in-memory login state.
pub struct Platform {
    pub config: Config,
    pub clock: Arc<dyn Clock>,
    pub store: Mutex<Store>,
    pub trust: TrustStore,
    pub sealing_key: SealingKey,
    pub catalogue: Catalogue,
    pub challenges: Mutex<Challenges>,
    pub sessions: Mutex<Sessions>,
    /// The field app's terminal tokens (apart from card sessions).
    pub terminals: Mutex<field::terminal::TerminalSessions>,
    /// `scope/key` of the idempotent writes being processed.
    pub in_flight: Mutex<HashSet<String>>,
}
