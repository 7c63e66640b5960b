//! Black-box tests of the portal over real HTTP, against a real sandbox.

mod portal {
    pub mod accounts;
    pub mod cabinet;
    pub mod common;
    pub mod demo;
    pub mod doctor;
    pub mod fuzz;
    pub mod logs;
    pub mod operations;
    pub mod priceplan;
    pub mod security;
}
