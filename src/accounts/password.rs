//! Hashing and checking passwords with argon2id, off the async workers.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::OnceLock;
use std::sync::mpsc::{SyncSender, TrySendError, sync_channel};

use argon2::password_hash::phc::PasswordHash;
use argon2::{Argon2, PasswordHasher, PasswordVerifier};

use crate::secret::Secret;

/// Hashes waiting for the hashing thread; past this, visitors are asked to
/// come back in a moment rather than queued for seconds.
const QUEUE: usize = 64;

/// Why a password could not be hashed or checked.
#[derive(Debug)]
pub enum PasswordError {
    /// Too many hashes are waiting already.
    Busy,
    /// Hashing failed, or its thread is gone.
    Failed(String),
}

impl std::fmt::Display for PasswordError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Busy => write!(f, "{QUEUE} password hashes are waiting already"),
            Self::Failed(cause) => write!(f, "password hashing failed: {cause}"),
        }
    }
}

impl std::error::Error for PasswordError {}

/// Hashes a password into a PHC string (argon2id, default parameters, random salt).
pub async fn hash(password: Secret<String>) -> Result<String, PasswordError> {
    run_limited(move || hash_now(password.expose())).await
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
        let parsed = PasswordHash::new(&hash).map_err(|e| PasswordError::Failed(e.to_string()))?;
        let matches = Argon2::default()
            .verify_password(password.expose().as_bytes(), &parsed)
            .is_ok();
        Ok(known && matches)
    })
    .await
}

fn hash_now(password: &str) -> Result<String, PasswordError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|hash| hash.to_string())
        .map_err(|error| PasswordError::Failed(error.to_string()))
}

fn dummy_hash() -> Result<&'static str, PasswordError> {
    static DUMMY: OnceLock<String> = OnceLock::new();
    if let Some(hash) = DUMMY.get() {
        return Ok(hash);
    }
    let hash = hash_now("a password that no account has")?;
    Ok(DUMMY.get_or_init(|| hash))
}

/// Runs `work` on the hashing thread and waits for its result.
///
/// One thread does all hashing. Hashing is slow on purpose, so one at a time
/// leaves the other cores to the pages and the cabinet redirect during a
/// flood of sign-ins; and one thread means one allocator arena, which
/// reuses the 19 MiB each hash needs instead of keeping a copy per thread.
async fn run_limited<T, F>(work: F) -> Result<T, PasswordError>
where
    F: FnOnce() -> Result<T, PasswordError> + Send + 'static,
    T: Send + 'static,
{
    static JOBS: OnceLock<SyncSender<Job>> = OnceLock::new();
    run_on(JOBS.get_or_init(|| start_thread(QUEUE)), work).await
}

async fn run_on<T, F>(jobs: &SyncSender<Job>, work: F) -> Result<T, PasswordError>
where
    F: FnOnce() -> Result<T, PasswordError> + Send + 'static,
    T: Send + 'static,
{
    let (answer, result) = tokio::sync::oneshot::channel();
    let job: Job = Box::new(move || {
        let _ = answer.send(work());
    });
    jobs.try_send(job).map_err(|error| match error {
        TrySendError::Full(_) => PasswordError::Busy,
        TrySendError::Disconnected(_) => PasswordError::Failed("no hashing thread".into()),
    })?;
    result
        .await
        .map_err(|_| PasswordError::Failed("the hashing job was dropped".into()))?
}

type Job = Box<dyn FnOnce() + Send>;

/// Lowers the calling thread's scheduling priority, so that on a busy
/// machine the workers serving pages and redirects run first and a flood
/// of sign-ins slows only sign-ins.
fn yield_to_requests() {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: nice() takes no pointers; on Linux it changes the
        // priority of the calling thread only.
        let _ = unsafe { libc::nice(10) };
    }
}

/// Starts a thread that runs jobs one by one, with room for `queue` waiting.
fn start_thread(queue: usize) -> SyncSender<Job> {
    let (jobs, waiting) = sync_channel::<Job>(queue);
    let spawned = std::thread::Builder::new()
        .name("password-hashing".into())
        .spawn(move || {
            yield_to_requests();
            for job in waiting {
                // A panic fails that one job (its caller sees it dropped),
                // not every later sign-in.
                let _ = catch_unwind(AssertUnwindSafe(job));
            }
        });
    if let Err(error) = spawned {
        tracing::error!("cannot start the password hashing thread: {error}");
    }
    jobs
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
    async fn a_full_queue_answers_busy_at_once_and_a_panic_fails_one_job_only() {
        let jobs = start_thread(1);
        let (release, held) = std::sync::mpsc::channel::<()>();
        let blocked = actix_web::rt::spawn({
            let jobs = jobs.clone();
            async move {
                run_on(&jobs, move || {
                    let _ = held.recv();
                    Ok(())
                })
                .await
            }
        });
        actix_web::rt::time::sleep(std::time::Duration::from_millis(50)).await;
        let waiting = actix_web::rt::spawn({
            let jobs = jobs.clone();
            async move { run_on(&jobs, || -> Result<(), _> { panic!("a broken hash") }).await }
        });
        actix_web::rt::time::sleep(std::time::Duration::from_millis(50)).await;

        let refused = run_on(&jobs, || Ok(())).await;
        release.send(()).unwrap();

        assert!(matches!(refused, Err(PasswordError::Busy)));
        assert!(blocked.await.unwrap().is_ok());
        assert!(matches!(
            waiting.await.unwrap(),
            Err(PasswordError::Failed(_))
        ));
        assert!(run_on(&jobs, || Ok(7)).await.is_ok_and(|n| n == 7));
    }

    #[actix_web::test]
    async fn checking_against_no_account_answers_false() {
        let verified = verify(secret("a password that no account has"), None)
            .await
            .unwrap();

        assert!(!verified);
    }
}
