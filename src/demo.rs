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
    /// Demo mode was pointed at something other than the sandbox.
    NotASandbox(String),
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
            Self::NotASandbox(url) => write!(
                f,
                "demo mode runs only against the PricePlan sandbox, and {url} does not answer \
                 as one; unset PORTAL_DEMO to use a real PricePlan"
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

/// How long start-up waits for a sandbox started alongside (docker-compose).
const SANDBOX_WAIT: std::time::Duration = std::time::Duration::from_secs(15);

/// Fails unless the PricePlan at `api_url` is the sandbox. Demo mode seeds
/// an account with a published password: pointed at a real PricePlan, it
/// would open a real client's cabinet to anyone who read the README.
pub async fn require_sandbox(api_url: &str) -> Result<(), DemoAccountError> {
    let client = awc::Client::builder()
        .timeout(std::time::Duration::from_secs(2))
        .finish();
    let url = format!("{api_url}/_sandbox/stats");
    let started = std::time::Instant::now();
    loop {
        let answer = match client.get(&url).send().await {
            Ok(mut response) if response.status().is_success() => {
                let stats = response.json::<crate::sandbox::SandboxStats>().await;
                Some(stats.is_ok())
            }
            Ok(_) => Some(false),
            Err(_) => None,
        };
        match answer {
            Some(true) => return Ok(()),
            Some(false) => return Err(DemoAccountError::NotASandbox(api_url.to_string())),
            None if started.elapsed() > SANDBOX_WAIT => {
                return Err(DemoAccountError::NotASandbox(api_url.to_string()));
            }
            None => actix_web::rt::time::sleep(std::time::Duration::from_millis(250)).await,
        }
    }
}
