//! The SQLite database: opening it and bringing its schema up to date.

use std::str::FromStr;
use std::time::Duration;

use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};

/// Opens the database at `url`, creating the file if needed, and applies
/// the migrations in `migrations/`.
pub async fn connect(url: &str) -> Result<SqlitePool, sqlx::Error> {
    open(url, true).await
}

/// Opens an existing database only, for commands that change accounts: a
/// mistyped URL should fail, not create an empty database.
pub async fn connect_existing(url: &str) -> Result<SqlitePool, sqlx::Error> {
    open(url, false).await
}

async fn open(url: &str, create: bool) -> Result<SqlitePool, sqlx::Error> {
    let options = SqliteConnectOptions::from_str(url)?
        .create_if_missing(create)
        .journal_mode(SqliteJournalMode::Wal)
        .busy_timeout(Duration::from_secs(5))
        .foreign_keys(true);
    let pool = SqlitePoolOptions::new()
        .max_connections(8)
        .connect_with(options)
        .await?;
    sqlx::migrate!("./migrations").run(&pool).await?;
    restrict_to_owner(url);
    Ok(pool)
}

/// Makes the database file readable by its owner only: it holds password
/// hashes and sessions. Failing to do so (another owner, an odd URL) is
/// not a reason to refuse to start.
fn restrict_to_owner(url: &str) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let path = url
            .trim_start_matches("sqlite://")
            .trim_start_matches("sqlite:")
            .split('?')
            .next()
            .unwrap_or_default();
        if path.is_empty() || path.starts_with(':') {
            return;
        }
        for file in [
            path.to_string(),
            format!("{path}-wal"),
            format!("{path}-shm"),
        ] {
            let _ = std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600));
        }
    }
}
