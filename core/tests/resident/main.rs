//! The resident flow against simulated cards and an in-memory platform.

mod fake;
mod rig;

mod binding;
mod change;
mod child;
mod flow;
mod submit;
mod taps;
mod validation;
