//! The Manager's API session, shared by every worker of the portal.
//!
//! With HTTP Basic authentication the "session" is the `Authorization` value,
//! made without a call; the same holder then remembers a refused API key.

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use crate::priceplan::{CredentialKind, PricePlanError};
use crate::secret::Secret;

/// How long a refused sign-in is remembered before PricePlan is asked again.
const REFUSAL_BACKOFF: Duration = Duration::from_secs(10);

/// The credentials of the portal: the cookies of a signed-in Manager, ready
/// for a `Cookie` header, or the value of a Basic `Authorization` header.
#[derive(Debug)]
pub struct ManagerSession {
    cookie_header: Secret<String>,
    generation: u64,
    /// When a call was refused although this session had just been signed
    /// in for it.
    refused_when_new: Mutex<Option<Instant>>,
}

impl ManagerSession {
    /// Notes that PricePlan refused a call made right after this session's
    /// sign-in: signing in again would not help.
    pub fn refused_when_new(&self) {
        *lock(&self.refused_when_new) = Some(Instant::now());
    }

    /// Whether a call was refused right after this session's sign-in, a
    /// short while ago; until then, refusals are not worth a new sign-in.
    pub fn renewal_futile(&self) -> bool {
        lock(&self.refused_when_new).is_some_and(|at| at.elapsed() < REFUSAL_BACKOFF)
    }

    /// The value of the header (`Cookie` or `Authorization`) that carries this session.
    pub fn cookie_header(&self) -> &str {
        self.cookie_header.expose()
    }
}

/// Holds the current Manager session and makes sure that concurrent
/// requests share one sign-in instead of each signing in.
#[derive(Debug, Default)]
pub struct ManagerSessions {
    current: Mutex<Option<Arc<ManagerSession>>>,
    refused: Mutex<Option<(Instant, CredentialKind)>>,
    sign_in: tokio::sync::Mutex<()>,
    generations: AtomicU64,
}

impl ManagerSessions {
    /// The current session, or a new one from `sign_in` when there is none.
    ///
    /// Only one sign-in runs at a time; callers that wait for it use its result.
    pub async fn get_or_sign_in<F, Fut>(
        &self,
        sign_in: F,
    ) -> Result<Arc<ManagerSession>, PricePlanError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<String, PricePlanError>>,
    {
        if let Some(session) = self.current() {
            return Ok(session);
        }

        let _only_one_sign_in = self.sign_in.lock().await;
        if let Some(session) = self.current() {
            return Ok(session);
        }
        if let Some(credentials) = self.refused_recently() {
            return Err(PricePlanError::SignInRefused {
                repeated: true,
                credentials,
            });
        }

        match sign_in().await {
            Ok(cookie_header) => Ok(self.store(cookie_header)),
            Err(error) => {
                if let PricePlanError::SignInRefused { credentials, .. } = error {
                    *lock(&self.refused) = Some((Instant::now(), credentials));
                }
                Err(error)
            }
        }
    }

    /// Drops `session` because PricePlan refused its credentials, and remembers
    /// the refusal for a while. Returns whether this caller was the first to
    /// learn it, so that a burst of refused calls is reported once.
    pub fn refuse(&self, session: &ManagerSession, credentials: CredentialKind) -> bool {
        let mut current = lock(&self.current);
        let first = current
            .as_ref()
            .is_some_and(|c| c.generation == session.generation);
        if first {
            *current = None;
            *lock(&self.refused) = Some((Instant::now(), credentials));
        }
        first
    }

    /// Drops `session` if it is still the current one, so that the next
    /// call signs in again; a newer session is left alone.
    pub fn forget(&self, session: &ManagerSession) {
        let mut current = lock(&self.current);
        if current
            .as_ref()
            .is_some_and(|c| c.generation == session.generation)
        {
            *current = None;
        }
    }

    fn current(&self) -> Option<Arc<ManagerSession>> {
        lock(&self.current).clone()
    }

    fn store(&self, cookie_header: String) -> Arc<ManagerSession> {
        let session = Arc::new(ManagerSession {
            cookie_header: Secret::new(cookie_header),
            refused_when_new: Mutex::new(None),
            generation: self.generations.fetch_add(1, Ordering::Relaxed),
        });
        *lock(&self.current) = Some(Arc::clone(&session));
        *lock(&self.refused) = None;
        session
    }

    fn refused_recently(&self) -> Option<CredentialKind> {
        lock(&self.refused)
            .filter(|(at, _)| at.elapsed() < REFUSAL_BACKOFF)
            .map(|(_, credentials)| credentials)
    }
}

/// Locks a mutex whose data stays valid even if a holder panicked.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    #[actix_web::test]
    async fn concurrent_callers_share_one_sign_in() {
        let sessions = Arc::new(ManagerSessions::default());
        let sign_ins = Arc::new(AtomicUsize::new(0));

        let callers = (0..20).map(|_| {
            let sessions = Arc::clone(&sessions);
            let sign_ins = Arc::clone(&sign_ins);
            async move {
                sessions
                    .get_or_sign_in(|| async move {
                        sign_ins.fetch_add(1, Ordering::SeqCst);
                        actix_web::rt::time::sleep(Duration::from_millis(20)).await;
                        Ok("sessionid=abc".to_string())
                    })
                    .await
            }
        });
        let results = futures_util::future::join_all(callers).await;

        assert_eq!(sign_ins.load(Ordering::SeqCst), 1);
        assert!(results.iter().all(Result::is_ok));
    }

    #[actix_web::test]
    async fn forgetting_an_old_session_keeps_the_newer_one() {
        let sessions = ManagerSessions::default();
        let old = sessions
            .get_or_sign_in(|| async { Ok("a=1".into()) })
            .await
            .unwrap();
        sessions.forget(&old);
        let new = sessions
            .get_or_sign_in(|| async { Ok("a=2".into()) })
            .await
            .unwrap();

        sessions.forget(&old);

        let current = sessions
            .get_or_sign_in(|| async { Ok("a=3".into()) })
            .await
            .unwrap();
        assert_eq!(current.cookie_header(), new.cookie_header());
    }

    #[actix_web::test]
    async fn a_refused_sign_in_is_not_retried_at_once() {
        let sessions = ManagerSessions::default();
        let refused = || async {
            Err(PricePlanError::SignInRefused {
                repeated: false,
                credentials: CredentialKind::Manager,
            })
        };
        let _ = sessions.get_or_sign_in(refused).await;

        let again = sessions
            .get_or_sign_in(|| async { Ok("never=used".to_string()) })
            .await;

        assert!(matches!(
            again,
            Err(PricePlanError::SignInRefused { repeated: true, .. })
        ));
    }

    #[actix_web::test]
    async fn a_refused_api_key_is_reported_by_the_first_caller_only() {
        let sessions = ManagerSessions::default();
        let basic = sessions
            .get_or_sign_in(|| async { Ok("Basic a2V5OnB3".to_string()) })
            .await
            .unwrap();

        let first = sessions.refuse(&basic, CredentialKind::ApiKey);
        let second = sessions.refuse(&basic, CredentialKind::ApiKey);
        let later = sessions
            .get_or_sign_in(|| async { Ok("Basic a2V5OnB3".to_string()) })
            .await;

        assert!(first);
        assert!(!second);
        assert!(matches!(
            later,
            Err(PricePlanError::SignInRefused {
                repeated: true,
                credentials: CredentialKind::ApiKey
            })
        ));
    }
}
