//! The field point-grant app.

pub mod keys;
pub mod store;
