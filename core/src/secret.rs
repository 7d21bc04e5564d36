//! Text a resident types that must never show up in logs, traces or `Debug`
//! output: passwords, payment IDs, security codes, session tokens. The type
//! is the contract's (`mynapoint_contract::Secret`), since request bodies
//! carry it.

pub use mynapoint_contract::Secret;
