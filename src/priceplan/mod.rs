//! The client of PricePlan's API: the Manager session, one-time tokens and
//! the errors PricePlan can answer with.

mod answer;
mod auth_key;
mod client;
mod error;
mod session;
mod stats;
mod token;

pub use client::{CustomerIds, MAX_ANSWER_BYTES, PricePlanClient, PricePlanShared};
pub use error::{ApiErrorCode, CredentialKind, PricePlanError};
pub use session::{ManagerSession, ManagerSessions};
pub use stats::{CallCounts, CallFigures, CallStats};
pub use token::OneTimeToken;
