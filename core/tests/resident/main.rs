//! The resident flow against simulated cards and the platform double
//! (`mynapoint_testkit::fake`).

mod rig;

mod binding;
mod change;
mod child;
mod flow;
mod submit;
mod taps;
mod validation;
