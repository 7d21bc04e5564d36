//! The field point-grant app's API (`/v1/field/...`): what a municipal
//! terminal (a staff phone) and the platform exchange. Seed 003 §V; the
//! rules in `shared/domain.md` ("Field point-grant app").
//!
//! Routes (all JSON; times are Unix seconds, UTC):
//! - `POST /v1/field/login` ([`TerminalLoginRequest`] → [`TerminalLoginResponse`]):
//!   terminal ID + password; the first login registers the device (its P-256
//!   public key and fingerprint); the answer carries a bearer token
//!   ([`crate::SessionToken`]) and the municipality's open and closed grant
//!   projects (the project list syncs at every login).
//! - `GET /v1/field/projects` (→ [`ProjectList`]).
//! - `GET /v1/field/projects/{project_id}/roster?since={version}`
//!   (→ [`RosterSync`]): the changes of a project's roster since a version
//!   the device holds (0: everything).
//! - `POST /v1/field/taps` ([`TapBatch`] → [`UploadResponse`]), with the
//!   header [`DEVICE_SIGNATURE_HEADER`]: the device key's signature over the
//!   exact body bytes. Re-sending a tap or a batch never grants twice.
//! - `GET /v1/field/projects/{project_id}/not-on-roster`
//!   (→ [`NotOnRosterList`], screen 78).
//! - `POST /v1/field/projects/{project_id}/roster`
//!   ([`AddRegistrationRequest`] → [`AddRegistrationResponse`], screen 79).
//!
//! The administration API (`/v1/admin/...`, behind an administrator token)
//! is in [`admin`].

pub mod admin;
mod ids;
mod person;
mod projects;
mod registration;
mod roster;
mod taps;
mod terminal;

pub use ids::*;
pub use person::*;
pub use projects::*;
pub use registration::*;
pub use roster::*;
pub use taps::*;
pub use terminal::*;
