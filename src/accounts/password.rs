//! Hashing and checking passwords with argon2id, off the async workers.

use std::sync::OnceLock;

use argon2::password_hash::phc::PasswordHash;
use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use tokio::sync::Semaphore;

use crate::secret::Secret;

/// Hashing is slow on purpose. Running at most this many at once leaves
/// the other cores to the pages and the cabinet redirect during a flood
/// of sign-ins.
const CONCURRENT_HASHES: usize = 1;

static HASHING: Semaphore = Semaphore::const_new(CONCURRENT_HASHES);

/// Hashing or checking could not run at all.
#[derive(Debug)]
pub struct PasswordError(String);

impl std::fmt::Display for PasswordError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "password hashing failed: {}", self.0)
    }
}

impl std::error::Error for PasswordError {}

/// Hashes a password into a PHC string (argon2id, default parameters, random salt).
pub async fn hash(password: Secret<String>) -> Result<String, PasswordError> {
    run_limited(move || hash_now(password.expose())).await?
}

/// Checks a password against a stored hash. Without a stored hash (no such
/// account) it checks against a dummy hash, so that both cases take the
/// same time, and answers `false`.
pub async fn verify(
    password: Secret<String>,
    stored: Option<String>,
) -> Result<bool, PasswordError> {
    run_limited(move || {
        let known = stored.is_some();
        let hash = match stored {
            Some(hash) => hash,
            None => dummy_hash()?.to_owned(),
        };
        let parsed = PasswordHash::new(&hash).map_err(|e| PasswordError(e.to_string()))?;
        let matches = Argon2::default()
            .verify_password(password.expose().as_bytes(), &parsed)
            .is_ok();
        Ok(known && matches)
    })
    .await?
}

fn hash_now(password: &str) -> Result<String, PasswordError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|hash| hash.to_string())
        .map_err(|error| PasswordError(error.to_string()))
}

fn dummy_hash() -> Result<&'static str, PasswordError> {
    static DUMMY: OnceLock<String> = OnceLock::new();
    if let Some(hash) = DUMMY.get() {
        return Ok(hash);
    }
    let hash = hash_now("a password that no account has")?;
    Ok(DUMMY.get_or_init(|| hash))
}

async fn run_limited<T, F>(work: F) -> Result<T, PasswordError>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    let _permit = HASHING
        .acquire()
        .await
        .map_err(|error| PasswordError(error.to_string()))?;
    actix_web::web::block(work)
        .await
        .map_err(|error| PasswordError(error.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret(value: &str) -> Secret<String> {
        Secret::new(value.to_string())
    }

    #[actix_web::test]
    async fn a_hashed_password_verifies_and_a_wrong_one_does_not() {
        let hash = hash(secret("correct horse battery")).await.unwrap();

        assert!(hash.starts_with("$argon2id$"));
        assert!(
            verify(secret("correct horse battery"), Some(hash.clone()))
                .await
                .unwrap()
        );
        assert!(
            !verify(secret("wrong horse battery"), Some(hash))
                .await
                .unwrap()
        );
    }

    #[actix_web::test]
    async fn checking_against_no_account_answers_false() {
        let verified = verify(secret("a password that no account has"), None)
            .await
            .unwrap();

        assert!(!verified);
    }
}
