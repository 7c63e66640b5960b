//! A reference customer portal for partners of PricePlan, a hosted billing system.

pub mod sandbox;
