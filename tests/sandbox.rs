//! Black-box tests of the PricePlan sandbox over real HTTP on loopback.

#[path = "sandbox/api.rs"]
mod api;
#[path = "sandbox/cabinet.rs"]
mod cabinet;
#[path = "sandbox/common.rs"]
mod common;
#[path = "sandbox/control.rs"]
mod control;
