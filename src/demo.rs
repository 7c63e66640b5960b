//! The demo account: seeded in demo mode, refused outside it, because its
//! password is published in the README.

use sqlx::SqlitePool;

use crate::accounts::{password, store};
use crate::priceplan::CustomerIds;
use crate::sandbox::{DEMO_CLIENT_ID, DEMO_USER_ID};
use crate::secret::Secret;

/// Email of the demo account.
pub const DEMO_EMAIL: &str = "demo@example.com";
/// Password of the demo account (published: demo mode only).
pub const DEMO_PASSWORD: &str = "demo-password-2026";
const DEMO_NAME: &str = "Demo Customer";

/// Why the demo account could not be set up or checked.
#[derive(Debug)]
pub enum DemoAccountError {
    /// Outside demo mode the database still holds the demo account.
    PresentOutsideDemo,
    /// The database or the password hashing failed.
    Failed(String),
}

impl std::fmt::Display for DemoAccountError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::PresentOutsideDemo => write!(
                f,
                "the database holds the demo account {DEMO_EMAIL}, whose password is public; \
                 delete it (DELETE FROM users WHERE email = '{DEMO_EMAIL}') or use a new database"
            ),
            Self::Failed(cause) => write!(f, "could not set up the demo account: {cause}"),
        }
    }
}

impl std::error::Error for DemoAccountError {}

/// Creates the demo account if missing and links it to the sandbox's demo client.
pub async fn seed_account(db: &SqlitePool) -> Result<(), DemoAccountError> {
    let failed = |error: &dyn std::fmt::Display| DemoAccountError::Failed(error.to_string());
    let existing = store::credentials(db, DEMO_EMAIL)
        .await
        .map_err(|e| failed(&e))?;
    if existing.is_none() {
        let hash = password::hash(Secret::new(DEMO_PASSWORD.to_string()))
            .await
            .map_err(|e| failed(&e))?;
        let new_user = store::NewUser {
            email: DEMO_EMAIL,
            display_name: DEMO_NAME,
            password_hash: &hash,
        };
        match store::insert(db, &new_user).await {
            Ok(_) | Err(store::StoreError::EmailTaken) => {}
            Err(error) => return Err(failed(&error)),
        }
    }

    let ids = CustomerIds {
        user_id: DEMO_USER_ID,
        client_id: DEMO_CLIENT_ID,
    };
    store::link_priceplan(db, DEMO_EMAIL, ids)
        .await
        .map_err(|e| failed(&e))?;
    Ok(())
}

/// Fails when the demo account exists, for start-up outside demo mode.
pub async fn refuse_account(db: &SqlitePool) -> Result<(), DemoAccountError> {
    match store::credentials(db, DEMO_EMAIL).await {
        Ok(None) => Ok(()),
        Ok(Some(_)) => Err(DemoAccountError::PresentOutsideDemo),
        Err(error) => Err(DemoAccountError::Failed(error.to_string())),
    }
}
