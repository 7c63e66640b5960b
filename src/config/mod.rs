//! Typed settings, read once at start from the environment (and a `.env` file).
//!
//! Handlers never read the environment: they get what they need from these
//! structs through application data.

mod priceplan;
mod values;

use std::net::SocketAddr;
use std::time::Duration;

use crate::secret::Secret;

pub use priceplan::{PricePlanAuth, PricePlanSettings, TokenMode};
pub use values::ConfigError;

use priceplan::{base_url, priceplan_settings};
use values::{count, malformed, minutes, missing, parse_addr, parse_bool};

/// Everything the portal needs to start.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Address the portal listens on; port 0 picks a free port.
    pub listen: SocketAddr,
    /// SQLite database, e.g. `sqlite:portal.db`.
    pub database_url: String,
    /// Key that signs and encrypts session cookies; generated in demo mode.
    pub session_key: Option<SessionKey>,
    /// Whether session cookies are marked `Secure` (served over HTTPS only).
    pub secure_cookies: bool,
    /// A signed-in session unused for this long ends.
    pub session_idle: Duration,
    /// A signed-in session ends this long after sign-in, however busy.
    pub session_lifetime: Duration,
    /// Whether the client address comes from `Forwarded`/`X-Forwarded-For`
    /// (set only behind a proxy that overwrites these headers).
    pub trust_forwarded_for: bool,
    /// Path prefix of the cabinet routes, e.g. `/pa`.
    pub cabinet_prefix: String,
    /// Cabinet redirects allowed per account and minute; 0 allows any.
    pub redirects_per_minute: u32,
    /// How long a request may take, body and PricePlan call included.
    pub request_deadline: Duration,
    /// Demo mode: a generated session key is allowed and the demo account
    /// is seeded. On when no PricePlan URL is configured.
    pub demo: bool,
    /// Where PricePlan is: a real account, or the built-in sandbox.
    pub priceplan: PricePlanTarget,
    /// Readiness, metrics and the `doctor` command.
    pub operations: OperationsSettings,
}

/// Settings of the operations surface: `/ready`, `/metrics` and `doctor`.
#[derive(Clone, Debug)]
pub struct OperationsSettings {
    /// The portal's origin as browsers see it, e.g. `https://portal.example.com`;
    /// `doctor` prints the PricePlan-side values from it.
    pub public_url: Option<String>,
    /// Whether `/ready` also checks that PricePlan accepts the portal's credentials.
    pub ready_checks_priceplan: bool,
    /// Bearer token that `/metrics` requires; without it, only loopback peers get it.
    pub metrics_token: Option<Secret<String>>,
}

impl Default for OperationsSettings {
    fn default() -> Self {
        Self {
            public_url: None,
            ready_checks_priceplan: true,
            metrics_token: None,
        }
    }
}

/// Where the portal finds PricePlan.
#[derive(Clone, Debug)]
pub enum PricePlanTarget {
    /// No PricePlan configured: start the built-in sandbox on this address.
    Demo {
        sandbox_listen: SocketAddr,
        /// How to talk to the sandbox: token mode and timeouts as
        /// configured; its URL and Manager are filled in when it starts.
        priceplan: PricePlanSettings,
    },
    /// A PricePlan account (or a sandbox started elsewhere).
    Remote(PricePlanSettings),
}

/// The session cookie key: at least 64 bytes, never printed.
#[derive(Clone, Debug)]
pub struct SessionKey(Secret<Vec<u8>>);

impl SessionKey {
    /// The minimum length, in bytes, that the cookie key needs.
    pub const MIN_LEN: usize = 64;

    /// Accepts a key of at least [`SessionKey::MIN_LEN`] characters.
    pub fn parse(value: &str) -> Result<Self, ConfigError> {
        if value.len() < Self::MIN_LEN {
            return Err(malformed(
                "PORTAL_SESSION_KEY",
                "at least 64 bytes, e.g. the 128 characters of `openssl rand -hex 64`",
            ));
        }
        Ok(Self(Secret::new(value.as_bytes().to_vec())))
    }

    /// Gives the key's bytes.
    pub fn bytes(&self) -> &[u8] {
        self.0.expose()
    }
}

impl Settings {
    /// Reads the settings from the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_vars(|name| std::env::var(name).ok())
    }

    /// Reads the settings through `var`, which looks a variable up by name.
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let var = |name: &str| var(name).filter(|value| !value.trim().is_empty());

        let url = var("PRICEPLAN_URL");
        let demo = parse_bool("PORTAL_DEMO", var, url.is_none())?;
        let priceplan = match url {
            None if demo => PricePlanTarget::Demo {
                sandbox_listen: parse_addr("PORTAL_SANDBOX_LISTEN", var, "127.0.0.1:8081")?,
                priceplan: priceplan_settings("http://127.0.0.1", var, demo)?,
            },
            None => return Err(missing("PRICEPLAN_URL", "unless PORTAL_DEMO is true")),
            Some(url) => PricePlanTarget::Remote(priceplan_settings(&url, var, demo)?),
        };

        let session_key = match var("PORTAL_SESSION_KEY") {
            Some(value) => Some(SessionKey::parse(&value)?),
            None if demo => None,
            None => return Err(missing("PORTAL_SESSION_KEY", "when PRICEPLAN_URL is set")),
        };

        Ok(Self {
            listen: parse_addr("PORTAL_LISTEN", var, "127.0.0.1:8080")?,
            database_url: var("PORTAL_DATABASE_URL").unwrap_or_else(|| "sqlite:portal.db".into()),
            session_key,
            secure_cookies: parse_bool("PORTAL_SECURE_COOKIES", var, !demo)?,
            session_idle: minutes("PORTAL_SESSION_IDLE_MINUTES", var, 30)?,
            session_lifetime: minutes("PORTAL_SESSION_LIFETIME_MINUTES", var, 12 * 60)?,
            trust_forwarded_for: parse_bool("PORTAL_TRUST_FORWARDED_FOR", var, false)?,
            cabinet_prefix: cabinet_prefix(var("PORTAL_CABINET_PREFIX"))?,
            redirects_per_minute: count("PORTAL_REDIRECTS_PER_MINUTE", var, 30)?,
            request_deadline: request_deadline(var, &priceplan)?,
            demo,
            priceplan,
            operations: operations_settings(var)?,
        })
    }

    /// Whether the portal runs in demo mode.
    pub fn is_demo(&self) -> bool {
        self.demo
    }
}

fn operations_settings(
    var: impl Fn(&str) -> Option<String>,
) -> Result<OperationsSettings, ConfigError> {
    let public_url = match var("PORTAL_PUBLIC_URL") {
        Some(url) => Some(base_url(
            "PORTAL_PUBLIC_URL",
            &url,
            "https://portal.example.com",
        )?),
        None => None,
    };
    Ok(OperationsSettings {
        public_url,
        ready_checks_priceplan: parse_bool("PORTAL_READY_CHECKS_PRICEPLAN", &var, true)?,
        metrics_token: var("PORTAL_METRICS_TOKEN").map(|token| Secret::new(token.trim().into())),
    })
}

/// The request deadline, which must leave a PricePlan call its own timeout.
fn request_deadline(
    var: impl Fn(&str) -> Option<String>,
    priceplan: &PricePlanTarget,
) -> Result<Duration, ConfigError> {
    let seconds = count("PORTAL_REQUEST_TIMEOUT_SECS", var, 30)?;
    let deadline = Duration::from_secs(u64::from(seconds));
    let call = match priceplan {
        PricePlanTarget::Remote(priceplan) | PricePlanTarget::Demo { priceplan, .. } => {
            priceplan.request_timeout
        }
    };
    if deadline <= call {
        return Err(malformed(
            "PORTAL_REQUEST_TIMEOUT_SECS",
            "more seconds than PRICEPLAN_TIMEOUT_MS gives a PricePlan call",
        ));
    }
    Ok(deadline)
}

/// First path segments the portal serves itself.
const RESERVED_PATHS: &[&str] = &[
    "sign-in", "sign-up", "sign-out", "static", "health", "ready", "metrics",
];

fn cabinet_prefix(value: Option<String>) -> Result<String, ConfigError> {
    let prefix = value.unwrap_or_else(|| "/pa".into());
    let prefix = prefix.trim_end_matches('/');
    let parts: Vec<&str> = prefix.strip_prefix('/').unwrap_or("").split('/').collect();
    let valid = prefix.starts_with('/')
        && parts
            .iter()
            .all(|part| !part.is_empty() && part.bytes().all(is_path_byte));
    if !valid {
        return Err(malformed(
            "PORTAL_CABINET_PREFIX",
            "a path such as /pa or /account/billing (letters, digits, - and _)",
        ));
    }
    if RESERVED_PATHS.contains(&parts[0]) {
        return Err(malformed(
            "PORTAL_CABINET_PREFIX",
            "a path that the portal does not use already (not /sign-in, /static, /health...)",
        ));
    }
    Ok(prefix.to_string())
}

fn is_path_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_'
}

#[cfg(test)]
mod tests;
