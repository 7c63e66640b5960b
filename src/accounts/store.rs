//! The `users` table.

use sqlx::SqlitePool;

use crate::priceplan::CustomerIds;

/// A portal account, without its password hash.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub priceplan_user_id: Option<i64>,
    pub priceplan_client_id: Option<i64>,
}

impl User {
    /// The account's PricePlan ids, when it is linked to a PricePlan client.
    pub fn customer_ids(&self) -> Option<CustomerIds> {
        linked(self.priceplan_user_id, self.priceplan_client_id)
    }
}

/// What sign-in needs: the password hash to check, and the PricePlan ids
/// that the session keeps.
#[derive(sqlx::FromRow)]
pub struct StoredCredentials {
    pub id: i64,
    pub password_hash: String,
    pub priceplan_user_id: Option<i64>,
    pub priceplan_client_id: Option<i64>,
}

impl StoredCredentials {
    /// The account's PricePlan ids, when it is linked.
    pub fn customer_ids(&self) -> Option<CustomerIds> {
        linked(self.priceplan_user_id, self.priceplan_client_id)
    }
}

/// The ids of a linked account: both columns set.
fn linked(user_id: Option<i64>, client_id: Option<i64>) -> Option<CustomerIds> {
    Some(CustomerIds {
        user_id: user_id?,
        client_id: client_id?,
    })
}

/// A new account, validated and with its password already hashed.
pub struct NewUser<'a> {
    pub email: &'a str,
    pub display_name: &'a str,
    pub password_hash: &'a str,
}

/// Why an account could not be stored.
#[derive(Debug)]
pub enum StoreError {
    /// An account with this email exists.
    EmailTaken,
    /// The database failed.
    Database(sqlx::Error),
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::EmailTaken => f.write_str("an account with this email exists"),
            Self::Database(error) => write!(f, "database error: {error}"),
        }
    }
}

impl std::error::Error for StoreError {}

/// Stores a new account and returns its id.
pub async fn insert(db: &SqlitePool, user: &NewUser<'_>) -> Result<i64, StoreError> {
    let inserted = sqlx::query_scalar(
        "INSERT INTO users (email, display_name, password_hash) VALUES (?, ?, ?) RETURNING id",
    )
    .bind(user.email)
    .bind(user.display_name)
    .bind(user.password_hash)
    .fetch_one(db)
    .await;

    inserted.map_err(|error| match &error {
        sqlx::Error::Database(db_error) if db_error.is_unique_violation() => StoreError::EmailTaken,
        _ => StoreError::Database(error),
    })
}

/// The account with this id, if it still exists.
pub async fn find(db: &SqlitePool, id: i64) -> Result<Option<User>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, email, display_name, priceplan_user_id, priceplan_client_id \
         FROM users WHERE id = ?",
    )
    .bind(id)
    .fetch_optional(db)
    .await
}

/// The id and password hash of the account with this (normalised) email.
pub async fn credentials(
    db: &SqlitePool,
    email: &str,
) -> Result<Option<StoredCredentials>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, password_hash, priceplan_user_id, priceplan_client_id \
         FROM users WHERE email = ?",
    )
    .bind(email)
    .fetch_optional(db)
    .await
}

/// Links the account with this email to a PricePlan client and user, and
/// drops the ids its signed-in sessions keep, so that their next cabinet
/// redirect reads the new ones. Returns whether such an account exists.
pub async fn link_priceplan(
    db: &SqlitePool,
    email: &str,
    ids: CustomerIds,
) -> Result<bool, sqlx::Error> {
    let mut transaction = db.begin().await?;
    let result = sqlx::query(
        "UPDATE users SET priceplan_user_id = ?, priceplan_client_id = ?, \
         updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE email = ?",
    )
    .bind(ids.user_id)
    .bind(ids.client_id)
    .bind(email)
    .execute(&mut *transaction)
    .await?;
    sqlx::query(
        "UPDATE sessions SET state = json_remove(state, '$.customer') \
         WHERE user_id = (SELECT id FROM users WHERE email = ?)",
    )
    .bind(email)
    .execute(&mut *transaction)
    .await?;
    transaction.commit().await?;
    Ok(result.rows_affected() == 1)
}
