//! The field point-grant session: certificate head reads, the device
//! store, login and sync, offline verdicts, upload (against the field
//! platform double of `mynapoint_testkit::fake::field`).

mod cert_head;
