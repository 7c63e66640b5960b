//! The sandbox's in-memory state: clients, users, sessions and one-time tokens.
//!
//! Everything sits behind one `std::sync::Mutex` in [`super::Sandbox`]; nothing here awaits.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::{Duration, Instant};

use rand::Rng;
use rand::distr::Alphanumeric;
use serde_json::{Map, Value};
use time::OffsetDateTime;

use super::data::{self, CabinetData};
use super::{Fault, SandboxStats};

/// Length of session ids and one-time tokens (alphanumeric, so URL-safe).
const SECRET_LEN: usize = 43;

/// How often issuing a token also sweeps long-expired ones: a sweep walks
/// every token, so doing it on each call would make a call cost grow with
/// the number of tokens issued before it.
const SWEEP_INTERVAL: Duration = Duration::from_secs(1);

/// A PricePlan client (the billed party) with its attached login user.
#[derive(Clone, Debug)]
pub struct Client {
    pub id: i64,
    pub name: String,
    /// 1 or 2, as given at creation.
    pub kind: u8,
    pub balance_cents: i64,
    pub user_id: i64,
    pub values: Map<String, Value>,
    pub cabinet: CabinetData,
    /// The client's current login key, until it is used or replaced.
    pub auth_key: Option<String>,
}

/// A token that opens a client's cabinet once.
#[derive(Clone, Debug)]
pub struct OneTimeToken {
    pub client_id: i64,
    pub expires_at: Instant,
    /// The same moment on the wall clock, for `expire_date`.
    pub expire_date: OffsetDateTime,
}

/// Why `/auth-key/TOKEN/` refused a token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenRefusal {
    /// Never issued, already used, or replaced by a newer key.
    Unknown,
    Expired,
}

/// All mutable sandbox state.
pub struct State {
    clients: BTreeMap<i64, Client>,
    /// user id → client id
    users: HashMap<i64, i64>,
    manager_sessions: HashSet<String>,
    /// `lk_session` cookie value → client id
    cabinet_sessions: HashMap<String, i64>,
    tokens: HashMap<String, OneTimeToken>,
    last_sweep: Instant,
    next_client_id: i64,
    next_user_id: i64,
    pub stats: SandboxStats,
    pub fault: Option<Fault>,
    pub allowed_origins: Vec<String>,
}

impl State {
    /// Empty state that will number clients from 101 and users from 201.
    pub fn new(allowed_origins: Vec<String>) -> Self {
        Self {
            clients: BTreeMap::new(),
            users: HashMap::new(),
            manager_sessions: HashSet::new(),
            cabinet_sessions: HashMap::new(),
            tokens: HashMap::new(),
            last_sweep: Instant::now(),
            next_client_id: 101,
            next_user_id: 201,
            stats: SandboxStats::default(),
            fault: None,
            allowed_origins,
        }
    }

    /// Creates a client with a new user and made-up cabinet data.
    pub fn add_client(&mut self, name: &str, kind: u8, values: Map<String, Value>) -> &Client {
        let id = self.next_client_id;
        let user_id = self.next_user_id;
        self.next_client_id += 1;
        self.next_user_id += 1;

        let cabinet = data::made_up(id);
        let balance_cents = cabinet.operations.iter().map(|op| op.amount_cents).sum();
        let client = Client {
            id,
            name: name.to_owned(),
            kind,
            balance_cents,
            user_id,
            values,
            cabinet,
            auth_key: None,
        };
        self.users.insert(user_id, id);
        self.clients.entry(id).or_insert(client)
    }

    pub fn client(&self, id: i64) -> Option<&Client> {
        self.clients.get(&id)
    }

    pub fn client_of_user(&self, user_id: i64) -> Option<i64> {
        self.users.get(&user_id).copied()
    }

    pub fn start_manager_session(&mut self) -> String {
        let id = random_secret();
        self.manager_sessions.insert(id.clone());
        id
    }

    pub fn has_manager_session(&self, id: &str) -> bool {
        self.manager_sessions.contains(id)
    }

    pub fn expire_manager_sessions(&mut self) {
        self.manager_sessions.clear();
    }

    /// Issues a one-time token for the client (caller checked that it exists).
    pub fn issue_token(&mut self, client_id: i64, lifetime: Duration) -> (String, OneTimeToken) {
        self.forget_long_expired_tokens(lifetime);
        let token = random_secret();
        let issued = OneTimeToken {
            client_id,
            expires_at: Instant::now() + lifetime,
            expire_date: OffsetDateTime::now_utc() + lifetime,
        };
        self.tokens.insert(token.clone(), issued.clone());
        (token, issued)
    }

    /// Issues a new login key for the client, replacing its previous one.
    pub fn issue_auth_key(&mut self, client_id: i64, lifetime: Duration) -> (String, OneTimeToken) {
        let (key, issued) = self.issue_token(client_id, lifetime);
        if let Some(client) = self.clients.get_mut(&client_id)
            && let Some(old) = client.auth_key.replace(key.clone())
        {
            self.tokens.remove(&old);
        }
        (key, issued)
    }

    /// The client's current login key and its token, if it has one that was not used.
    pub fn current_auth_key(&self, client_id: i64) -> Option<(String, OneTimeToken)> {
        let key = self.clients.get(&client_id)?.auth_key.as_ref()?;
        let token = self.tokens.get(key)?;
        Some((key.clone(), token.clone()))
    }

    /// Uses up a token: valid once, and only before it expires.
    pub fn consume_token(&mut self, token: &str) -> Result<i64, TokenRefusal> {
        let issued = self.tokens.remove(token).ok_or(TokenRefusal::Unknown)?;
        if let Some(client) = self.clients.get_mut(&issued.client_id)
            && client.auth_key.as_deref() == Some(token)
        {
            client.auth_key = None;
        }
        if Instant::now() >= issued.expires_at {
            return Err(TokenRefusal::Expired);
        }
        Ok(issued.client_id)
    }

    pub fn start_cabinet_session(&mut self, client_id: i64) -> String {
        let id = random_secret();
        self.cabinet_sessions.insert(id.clone(), client_id);
        id
    }

    pub fn cabinet_client(&self, session: &str) -> Option<&Client> {
        let client_id = self.cabinet_sessions.get(session)?;
        self.clients.get(client_id)
    }

    /// Drops tokens that expired more than a lifetime ago, so the map cannot grow forever
    /// while recently expired ones are still told apart from unknown ones. Runs at most
    /// once per [`SWEEP_INTERVAL`].
    fn forget_long_expired_tokens(&mut self, lifetime: Duration) {
        let now = Instant::now();
        if now.duration_since(self.last_sweep) < SWEEP_INTERVAL {
            return;
        }
        self.last_sweep = now;
        self.tokens
            .retain(|_, token| token.expires_at + lifetime > now);
    }
}

/// A fresh random secret for session ids and tokens.
pub fn random_secret() -> String {
    rand::rng()
        .sample_iter(Alphanumeric)
        .take(SECRET_LEN)
        .map(char::from)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_opens_the_cabinet_only_once() {
        let mut state = State::new(vec![]);
        let id = state.add_client("A", 1, Map::new()).id;
        let (token, _) = state.issue_token(id, Duration::from_secs(60));

        let first = state.consume_token(&token);
        let second = state.consume_token(&token);

        assert_eq!(first, Ok(id));
        assert_eq!(second, Err(TokenRefusal::Unknown));
    }

    #[test]
    fn a_new_auth_key_replaces_the_previous_one() {
        let mut state = State::new(vec![]);
        let id = state.add_client("A", 1, Map::new()).id;
        let (old, _) = state.issue_auth_key(id, Duration::from_secs(60));

        let (new, _) = state.issue_auth_key(id, Duration::from_secs(60));

        assert_eq!(state.consume_token(&old), Err(TokenRefusal::Unknown));
        assert_eq!(state.current_auth_key(id).map(|(key, _)| key), Some(new));
    }

    #[test]
    fn secrets_are_long_url_safe_and_different() {
        let (a, b) = (random_secret(), random_secret());

        assert!(a.len() >= 32 && a.chars().all(|c| c.is_ascii_alphanumeric()));
        assert_ne!(a, b);
    }
}
