//! One module per subcommand. Each `run` returns `Ok(())` or a [`Failure`](crate::Failure).

pub mod card;
pub mod demo;
pub mod field;
pub mod readers;
pub mod resident;
