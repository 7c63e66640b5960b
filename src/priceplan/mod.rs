//! The client of PricePlan's API: the Manager session, one-time tokens and
//! the errors PricePlan can answer with.

mod auth_key;
mod client;
mod error;
mod session;
mod stats;
mod token;

pub use client::{CustomerIds, PricePlanClient, PricePlanShared};
pub use error::{ApiErrorCode, PricePlanError};
pub use session::{ManagerSession, ManagerSessions};
pub use stats::{CallCounts, CallStats};
pub use token::OneTimeToken;
