//! Slowing down password guessing: failed sign-ins are counted per account
//! and address, per address, and per account, each over a fixed window.
//!
//! The tightest limit is on one account from one address; the per-address
//! and per-account limits, higher, stop guessing spread over many accounts
//! or many addresses. An address the account signed in from before is held
//! only to the first limit, so that guessers elsewhere (or behind the same
//! office router, on other accounts) do not lock the owner out. Every block
//! ends when its window does.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

/// How long failures are remembered.
const WINDOW: Duration = Duration::from_secs(15 * 60);
/// Failures allowed for one account from one address within the window.
const PER_ACCOUNT_AND_ADDRESS: u32 = 5;
/// Failures allowed from one address, over all accounts.
const PER_ADDRESS: u32 = 20;
/// Failures allowed for one account, over all addresses.
const PER_ACCOUNT: u32 = 50;
/// Registrations allowed from one address: each costs a password hash and
/// tells whether an email has an account.
const SIGN_UPS_PER_ADDRESS: u32 = 10;
/// How long a successful sign-in vouches for its account and address.
const KNOWN_FOR: Duration = Duration::from_secs(30 * 24 * 3600);
/// Past this many entries, expired ones are dropped.
const PRUNE_ABOVE: usize = 10_000;

#[derive(Clone, Debug, Hash, PartialEq, Eq)]
enum Key {
    AccountAndAddress(String, IpAddr),
    Address(IpAddr),
    Account(String),
    SignUpAddress(IpAddr),
}

impl Key {
    fn limit(&self) -> u32 {
        match self {
            Self::AccountAndAddress(..) => PER_ACCOUNT_AND_ADDRESS,
            Self::Address(_) => PER_ADDRESS,
            Self::Account(_) => PER_ACCOUNT,
            Self::SignUpAddress(_) => SIGN_UPS_PER_ADDRESS,
        }
    }
}

struct Failures {
    count: u32,
    since: Instant,
}

/// Counts failed sign-ins; shared by all workers.
#[derive(Default)]
pub struct SignInThrottle {
    failures: Mutex<HashMap<Key, Failures>>,
    /// Account and address pairs that signed in before, and when.
    known: Mutex<HashMap<(String, IpAddr), Instant>>,
}

impl SignInThrottle {
    /// `Err(wait)` when sign-in for this account from this address is
    /// blocked for `wait` more.
    pub fn check(&self, email: &str, address: Option<IpAddr>) -> Result<(), Duration> {
        match address {
            Some(address) if self.is_known(email, address) => {
                self.blocked(&[Key::AccountAndAddress(email.to_string(), address)])
            }
            _ => self.blocked(&keys(email, address)),
        }
    }

    /// Counts a failed sign-in.
    pub fn failed(&self, email: &str, address: Option<IpAddr>) {
        self.count(keys(email, address));
    }

    /// `Err(wait)` when registrations from this address are blocked.
    pub fn check_sign_up(&self, address: Option<IpAddr>) -> Result<(), Duration> {
        self.blocked(
            &address
                .map(Key::SignUpAddress)
                .into_iter()
                .collect::<Vec<_>>(),
        )
    }

    /// Counts a registration attempt that got as far as hashing.
    pub fn signing_up(&self, address: Option<IpAddr>) {
        self.count(address.map(Key::SignUpAddress).into_iter().collect());
    }

    fn blocked(&self, keys: &[Key]) -> Result<(), Duration> {
        let failures = self.lock();
        let wait = keys
            .iter()
            .filter_map(|key| {
                let entry = failures.get(key)?;
                let left = WINDOW.checked_sub(entry.since.elapsed())?;
                (entry.count >= key.limit()).then_some(left)
            })
            .max();
        match wait {
            Some(wait) => Err(wait),
            None => Ok(()),
        }
    }

    fn count(&self, keys: Vec<Key>) {
        let mut failures = self.lock();
        if failures.len() > PRUNE_ABOVE {
            failures.retain(|_, entry| entry.since.elapsed() < WINDOW);
        }
        for key in keys {
            let entry = failures.entry(key).or_insert(Failures {
                count: 0,
                since: Instant::now(),
            });
            if entry.since.elapsed() >= WINDOW {
                *entry = Failures {
                    count: 0,
                    since: Instant::now(),
                };
            }
            entry.count += 1;
        }
    }

    /// Forgets this account's failures from this address after a success,
    /// and remembers the address as the owner's.
    pub fn succeeded(&self, email: &str, address: Option<IpAddr>) {
        let Some(address) = address else {
            return;
        };
        self.lock()
            .remove(&Key::AccountAndAddress(email.to_string(), address));
        let mut known = self.known.lock().unwrap_or_else(PoisonError::into_inner);
        if known.len() > PRUNE_ABOVE {
            known.retain(|_, since| since.elapsed() < KNOWN_FOR);
        }
        known.insert((email.to_string(), address), Instant::now());
    }

    fn is_known(&self, email: &str, address: IpAddr) -> bool {
        let known = self.known.lock().unwrap_or_else(PoisonError::into_inner);
        known
            .get(&(email.to_string(), address))
            .is_some_and(|since| since.elapsed() < KNOWN_FOR)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Key, Failures>> {
        self.failures.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

fn keys(email: &str, address: Option<IpAddr>) -> Vec<Key> {
    let mut keys = vec![Key::Account(email.to_string())];
    if let Some(address) = address {
        keys.push(Key::AccountAndAddress(email.to_string(), address));
        keys.push(Key::Address(address));
    }
    keys
}

/// "N seconds" for a short wait, "N minutes" (rounded up) for a longer one.
pub fn wait_in_words(wait: Duration) -> String {
    match wait.as_secs() {
        0..=1 => "1 second".to_string(),
        secs @ 2..=90 => format!("{secs} seconds"),
        secs => format!("{} minutes", secs.div_ceil(60)),
    }
}

/// Where the visitor's address, used to throttle, comes from.
#[derive(Clone, Copy, Debug)]
pub enum ClientAddress {
    /// The address of the connection's peer.
    Peer,
    /// The last `X-Forwarded-For` entry: the one the trusted reverse proxy
    /// in front of the portal added. Entries before it come from the
    /// client and can be forged.
    ForwardedFor,
}

/// The visitor's address, as [`ClientAddress`] in the app data says to
/// read it (the peer's when none is configured); a handler argument.
#[derive(Clone, Copy, Debug)]
pub struct VisitorAddress(pub Option<IpAddr>);

impl actix_web::FromRequest for VisitorAddress {
    type Error = std::convert::Infallible;
    type Future = std::future::Ready<Result<Self, Self::Error>>;

    fn from_request(req: &actix_web::HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let source = req
            .app_data::<actix_web::web::Data<ClientAddress>>()
            .map_or(ClientAddress::Peer, |source| *source.get_ref());
        std::future::ready(Ok(Self(source.of(req))))
    }
}

impl ClientAddress {
    /// The visitor's address for this request.
    pub fn of(self, request: &actix_web::HttpRequest) -> Option<IpAddr> {
        let peer = request.peer_addr().map(|peer| peer.ip());
        match self {
            Self::Peer => peer,
            Self::ForwardedFor => request
                .headers()
                .get_all("x-forwarded-for")
                .filter_map(|value| value.to_str().ok())
                .flat_map(|value| value.split(','))
                .next_back()
                .and_then(|last| last.trim().parse().ok())
                .or(peer),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOME: Option<IpAddr> = Some(IpAddr::V4(std::net::Ipv4Addr::new(127, 0, 0, 1)));
    const ELSEWHERE: Option<IpAddr> = Some(IpAddr::V4(std::net::Ipv4Addr::new(127, 0, 0, 2)));

    #[test]
    fn five_failures_block_the_account_from_that_address_only() {
        let throttle = SignInThrottle::default();

        for _ in 0..5 {
            throttle.failed("ann@example.com", ELSEWHERE);
        }

        let wait = throttle.check("ann@example.com", ELSEWHERE).unwrap_err();
        assert!(wait > Duration::from_secs(14 * 60));
        assert!(throttle.check("ann@example.com", HOME).is_ok());
        assert!(throttle.check("bob@example.com", ELSEWHERE).is_ok());
    }

    #[test]
    fn an_address_guessing_many_accounts_is_blocked() {
        let throttle = SignInThrottle::default();

        for n in 0..20 {
            throttle.failed(&format!("user{n}@example.com"), ELSEWHERE);
        }

        assert!(
            throttle
                .check("someone-new@example.com", ELSEWHERE)
                .is_err()
        );
        assert!(throttle.check("someone-new@example.com", HOME).is_ok());
    }

    #[test]
    fn ten_registrations_from_one_address_block_the_eleventh() {
        let throttle = SignInThrottle::default();

        for _ in 0..10 {
            assert!(throttle.check_sign_up(ELSEWHERE).is_ok());
            throttle.signing_up(ELSEWHERE);
        }

        assert!(throttle.check_sign_up(ELSEWHERE).is_err());
        assert!(throttle.check_sign_up(HOME).is_ok());
    }

    #[test]
    fn waits_read_in_seconds_or_whole_minutes() {
        assert_eq!(wait_in_words(Duration::from_millis(300)), "1 second");
        assert_eq!(wait_in_words(Duration::from_secs(45)), "45 seconds");
        assert_eq!(wait_in_words(Duration::from_secs(899)), "15 minutes");
    }

    #[test]
    fn an_address_the_owner_used_before_is_not_blocked_by_guessing_elsewhere() {
        let throttle = SignInThrottle::default();
        throttle.succeeded("ann@example.com", HOME);

        for n in 0..60 {
            let guesser = Some(IpAddr::V4(std::net::Ipv4Addr::new(127, 1, 0, n)));
            throttle.failed("ann@example.com", guesser);
        }
        for n in 0..25 {
            throttle.failed(&format!("other{n}@example.com"), HOME);
        }

        assert!(throttle.check("ann@example.com", HOME).is_ok());
        assert!(throttle.check("ann@example.com", ELSEWHERE).is_err());
    }

    #[test]
    fn a_success_clears_the_owners_own_failures() {
        let throttle = SignInThrottle::default();
        for _ in 0..4 {
            throttle.failed("ann@example.com", HOME);
        }

        throttle.succeeded("ann@example.com", HOME);
        throttle.failed("ann@example.com", HOME);

        assert!(throttle.check("ann@example.com", HOME).is_ok());
    }
}
