//! Session state kept in SQLite, so that signing out really ends a session:
//! a copied cookie is worthless once its row is gone. Recently used sessions
//! are also kept in memory (see `session_cache`), sparing most requests a
//! database read.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use actix_session::storage::{LoadError, SaveError, SessionKey, SessionStore, UpdateError};
use actix_web::cookie::time::Duration;
use sha2::{Digest, Sha256};
use sqlx::SqlitePool;

use super::session_cache::SessionCache;

/// Expired rows are removed on every this-many new sessions.
const CLEANUP_EVERY: u32 = 64;
/// A session nobody signed in to holds only a form token: keep it an hour.
const ANONYMOUS_TTL: i64 = 60 * 60;
/// The entry that marks a signed-in session.
const SIGNED_IN_MARK: &str = "user_id";

/// An actix-session store backed by the portal's SQLite database.
#[derive(Clone)]
pub struct SqliteSessionStore {
    db: SqlitePool,
    saves: Arc<AtomicU32>,
    cache: Arc<SessionCache>,
}

impl SqliteSessionStore {
    /// A store that keeps sessions in `db`'s `sessions` table.
    pub fn new(db: SqlitePool) -> Self {
        Self {
            db,
            saves: Default::default(),
            cache: Default::default(),
        }
    }

    async fn insert(
        &self,
        state: &HashMap<String, String>,
        ttl: &Duration,
    ) -> Result<SessionKey, anyhow::Error> {
        let key: String = random_key();
        let (key_hash, expires_at) = (hash(&key), expires_at(state, ttl));
        sqlx::query(
            "INSERT INTO sessions (key_hash, state, expires_at, user_id) VALUES (?, ?, ?, ?)",
        )
        .bind(&key_hash)
        .bind(serde_json::to_string(state)?)
        .bind(expires_at)
        .bind(signed_in_user(state))
        .execute(&self.db)
        .await?;
        self.cache.put(key_hash, state.clone(), expires_at);
        if self
            .saves
            .fetch_add(1, Ordering::Relaxed)
            .is_multiple_of(CLEANUP_EVERY)
        {
            sqlx::query("DELETE FROM sessions WHERE expires_at <= unixepoch()")
                .execute(&self.db)
                .await?;
        }
        SessionKey::try_from(key).map_err(anyhow::Error::from)
    }
}

impl SessionStore for SqliteSessionStore {
    async fn load(&self, key: &SessionKey) -> Result<Option<HashMap<String, String>>, LoadError> {
        let key_hash = hash(key.as_ref());
        if let Some(state) = self.cache.get(&key_hash, now()) {
            return Ok(Some(state));
        }

        let row: Option<(String, i64)> = sqlx::query_as(
            "SELECT state, expires_at FROM sessions WHERE key_hash = ? AND expires_at > ?",
        )
        .bind(&key_hash)
        .bind(now())
        .fetch_optional(&self.db)
        .await
        .map_err(|e| LoadError::Other(e.into()))?;
        let Some((json, expires_at)) = row else {
            return Ok(None);
        };

        let state: HashMap<String, String> =
            serde_json::from_str(&json).map_err(|e| LoadError::Deserialization(e.into()))?;
        self.cache.put(key_hash, state.clone(), expires_at);
        Ok(Some(state))
    }

    async fn save(
        &self,
        state: HashMap<String, String>,
        ttl: &Duration,
    ) -> Result<SessionKey, SaveError> {
        self.insert(&state, ttl).await.map_err(SaveError::Other)
    }

    async fn update(
        &self,
        key: SessionKey,
        state: HashMap<String, String>,
        ttl: &Duration,
    ) -> Result<SessionKey, UpdateError> {
        let json =
            serde_json::to_string(&state).map_err(|e| UpdateError::Serialization(e.into()))?;
        let (key_hash, expires_at) = (hash(key.as_ref()), expires_at(&state, ttl));
        self.cache.remove(&key_hash);
        let updated = sqlx::query(
            "UPDATE sessions SET state = ?, expires_at = ?, user_id = ? \
             WHERE key_hash = ? AND expires_at > unixepoch()",
        )
        .bind(&json)
        .bind(expires_at)
        .bind(signed_in_user(&state))
        .bind(&key_hash)
        .execute(&self.db)
        .await
        .map_err(|e| UpdateError::Other(e.into()))?;

        if updated.rows_affected() == 1 {
            self.cache.put(key_hash, state, expires_at);
            return Ok(key);
        }
        // The row expired or was deleted meanwhile: start a new session.
        self.insert(&state, ttl).await.map_err(UpdateError::Other)
    }

    async fn update_ttl(&self, key: &SessionKey, ttl: &Duration) -> Result<(), anyhow::Error> {
        self.cache.remove(&hash(key.as_ref()));
        sqlx::query("UPDATE sessions SET expires_at = ? WHERE key_hash = ? AND expires_at > ?")
            .bind(now().saturating_add(ttl.whole_seconds()))
            .bind(hash(key.as_ref()))
            .bind(now())
            .execute(&self.db)
            .await?;
        Ok(())
    }

    async fn delete(&self, key: &SessionKey) -> Result<(), anyhow::Error> {
        let key_hash = hash(key.as_ref());
        self.cache.remove(&key_hash);
        sqlx::query("DELETE FROM sessions WHERE key_hash = ?")
            .bind(&key_hash)
            .execute(&self.db)
            .await?;
        Ok(())
    }
}

/// 64 random letters and digits: about 380 bits.
fn random_key() -> String {
    use rand::distr::{Alphanumeric, SampleString};
    Alphanumeric.sample_string(&mut rand::rng(), 64)
}

fn hash(key: &str) -> String {
    Sha256::digest(key.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// The account a session with this state is signed in to.
fn signed_in_user(state: &HashMap<String, String>) -> Option<i64> {
    state.get(SIGNED_IN_MARK)?.parse().ok()
}

/// When a session with this state expires: after `ttl` once signed in,
/// within the hour before that.
fn expires_at(state: &HashMap<String, String>, ttl: &Duration) -> i64 {
    let ttl = match state.contains_key(SIGNED_IN_MARK) {
        true => ttl.whole_seconds(),
        false => ttl.whole_seconds().min(ANONYMOUS_TTL),
    };
    now().saturating_add(ttl)
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|elapsed| elapsed.as_secs() as i64)
        .unwrap_or_default()
}
