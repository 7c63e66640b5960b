//! `doctor`: checks a partner's configuration against their PricePlan and
//! says what to change, on the portal's side and on PricePlan's.

mod checks;
mod report;

pub use checks::diagnose;
pub use report::{Level, Report};

/// Which customer the doctor asks a one-time token for, if any.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenSubject {
    /// `GET /api/users/USER_ID/reset_token/`.
    User(i64),
    /// The client's login key (`/api/clients/CLIENT_ID/auth-key/`).
    Client(i64),
}
