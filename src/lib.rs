//! A reference customer portal for PricePlan partners: the portal's own
//! accounts, a cabinet page that frames PricePlan's customer cabinet, the
//! auth-redirect route that signs customers in to it, and a built-in
//! PricePlan sandbox for demos and tests.

pub mod accounts;
pub mod cabinet;
pub mod cli;
pub mod config;
pub mod database;
pub mod deadline;
pub mod demo;
pub mod doctor;
pub mod health;
pub mod http_auth;
pub mod metrics;
pub mod pages;
pub mod priceplan;
pub mod sandbox;
pub mod secret;
pub mod startup;
pub mod static_files;
pub mod telemetry;
