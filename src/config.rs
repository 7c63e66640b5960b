//! Typed settings, read once at start from the environment (and a `.env` file).
//!
//! Handlers never read the environment: they get what they need from these
//! structs through application data.

use std::fmt;
use std::net::SocketAddr;
use std::time::Duration;

use crate::sandbox;
use crate::secret::Secret;

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
    Demo { sandbox_listen: SocketAddr },
    /// A PricePlan account (or a sandbox started elsewhere).
    Remote(PricePlanSettings),
}

/// How to reach and sign in to a PricePlan account.
#[derive(Clone, Debug)]
pub struct PricePlanSettings {
    /// Base URL of the cabinet host as the portal reaches it, without a trailing slash.
    pub api_url: String,
    /// Base URL of the cabinet host as browsers reach it (usually the same).
    pub public_url: String,
    /// How the portal authenticates to PricePlan's API.
    pub auth: PricePlanAuth,
    /// Which API call issues the one-time cabinet token.
    pub token_mode: TokenMode,
    /// Limit for opening a connection to PricePlan.
    pub connect_timeout: Duration,
    /// Limit for a whole PricePlan call, connection included.
    pub request_timeout: Duration,
}

/// How the portal authenticates to PricePlan's API.
#[derive(Clone, Debug)]
pub enum PricePlanAuth {
    /// Signs in as a service user with the role "Manager" and keeps its session cookie.
    Manager {
        /// Login of the Manager user.
        login: String,
        /// Password of that user.
        password: Secret<String>,
    },
    /// Sends an API key and password with HTTP Basic authentication on every call.
    Basic {
        /// The API key (the Basic user name).
        api_key: String,
        /// The API password.
        api_password: Secret<String>,
    },
}

impl PricePlanAuth {
    /// Whether this is the Manager session sign-in.
    pub fn is_manager(&self) -> bool {
        matches!(self, Self::Manager { .. })
    }
}

/// Which API call issues the token for the cabinet's `/auth-key/TOKEN/` URL.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenMode {
    /// `GET /api/users/USER_ID/reset_token/`, the vendor's documented way.
    UserResetToken,
    /// `POST /api/clients/CLIENT_ID/auth-key/`.
    ClientAuthKey,
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
                "at least 64 characters, e.g. the output of `openssl rand -hex 64`",
            ));
        }
        Ok(Self(Secret::new(value.as_bytes().to_vec())))
    }

    /// Gives the key's bytes.
    pub fn bytes(&self) -> &[u8] {
        self.0.expose()
    }
}

/// A setting that is missing or malformed: one line naming the variable.
#[derive(Debug, PartialEq, Eq)]
pub struct ConfigError(String);

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ConfigError {}

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
            session_idle: parse_minutes("PORTAL_SESSION_IDLE_MINUTES", var, 30)?,
            session_lifetime: parse_minutes("PORTAL_SESSION_LIFETIME_MINUTES", var, 12 * 60)?,
            trust_forwarded_for: parse_bool("PORTAL_TRUST_FORWARDED_FOR", var, false)?,
            cabinet_prefix: cabinet_prefix(var("PORTAL_CABINET_PREFIX"))?,
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

/// Reads the PricePlan settings. In demo mode the Manager defaults to the
/// sandbox's demo Manager.
fn priceplan_settings(
    url: &str,
    var: impl Fn(&str) -> Option<String>,
    demo: bool,
) -> Result<PricePlanSettings, ConfigError> {
    let api_url = base_url("PRICEPLAN_URL", url)?;
    let public_url = match var("PRICEPLAN_PUBLIC_URL") {
        Some(public) => base_url("PRICEPLAN_PUBLIC_URL", &public)?,
        None => api_url.clone(),
    };
    let token_mode = match var("PRICEPLAN_TOKEN_MODE").as_deref() {
        None | Some("reset-token") => TokenMode::UserResetToken,
        Some("auth-key") => TokenMode::ClientAuthKey,
        Some(_) => {
            return Err(malformed(
                "PRICEPLAN_TOKEN_MODE",
                "`reset-token` or `auth-key`",
            ));
        }
    };
    let required = |name: &str, demo_default: &str| match var(name) {
        Some(value) => Ok(value),
        None if demo => Ok(demo_default.to_string()),
        None => Err(missing(name, "when PRICEPLAN_URL is set")),
    };
    let required_with = |name: &str, demo_default: &str, auth: &str| match var(name) {
        Some(value) => Ok(value),
        None if demo => Ok(demo_default.to_string()),
        None => Err(missing(name, &format!("when PRICEPLAN_AUTH is {auth}"))),
    };
    let auth = match var("PRICEPLAN_AUTH").as_deref().map(str::trim) {
        None | Some("manager") => PricePlanAuth::Manager {
            login: required("PRICEPLAN_MANAGER_LOGIN", sandbox::DEMO_MANAGER_LOGIN)?,
            password: Secret::new(required(
                "PRICEPLAN_MANAGER_PASSWORD",
                sandbox::DEMO_MANAGER_PASSWORD,
            )?),
        },
        Some("basic") => PricePlanAuth::Basic {
            api_key: required_with("PRICEPLAN_API_KEY", sandbox::DEMO_API_KEY, "basic")?,
            api_password: Secret::new(required_with(
                "PRICEPLAN_API_PASSWORD",
                sandbox::DEMO_API_PASSWORD,
                "basic",
            )?),
        },
        Some(_) => return Err(malformed("PRICEPLAN_AUTH", "`manager` or `basic`")),
    };

    Ok(PricePlanSettings {
        api_url,
        public_url,
        auth,
        token_mode,
        connect_timeout: parse_millis("PRICEPLAN_CONNECT_TIMEOUT_MS", &var, 3_000)?,
        request_timeout: parse_millis("PRICEPLAN_TIMEOUT_MS", &var, 10_000)?,
    })
}

fn operations_settings(
    var: impl Fn(&str) -> Option<String>,
) -> Result<OperationsSettings, ConfigError> {
    let public_url = match var("PORTAL_PUBLIC_URL") {
        Some(url) => Some(base_url("PORTAL_PUBLIC_URL", &url)?),
        None => None,
    };
    Ok(OperationsSettings {
        public_url,
        ready_checks_priceplan: parse_bool("PORTAL_READY_CHECKS_PRICEPLAN", &var, true)?,
        metrics_token: var("PORTAL_METRICS_TOKEN").map(|token| Secret::new(token.trim().into())),
    })
}

/// Checks an `http(s)://host[:port]` URL and returns it without a trailing slash.
fn base_url(name: &str, value: &str) -> Result<String, ConfigError> {
    let trimmed = value.trim().trim_end_matches('/');
    let shape = "an http:// or https:// URL of a host, e.g. https://yoursub-lk.priceplan.pro";
    let uri: awc::http::Uri = trimmed.parse().map_err(|_| malformed(name, shape))?;

    let scheme_ok = matches!(uri.scheme_str(), Some("http" | "https"));
    let path_ok = uri.path().is_empty() || uri.path() == "/";
    if !scheme_ok || uri.host().is_none() || !path_ok || uri.query().is_some() {
        return Err(malformed(name, shape));
    }
    Ok(trimmed.to_string())
}

fn cabinet_prefix(value: Option<String>) -> Result<String, ConfigError> {
    let prefix = value.unwrap_or_else(|| "/pa".into());
    let prefix = prefix.trim_end_matches('/');
    let valid = prefix.starts_with('/')
        && prefix.len() > 1
        && prefix[1..]
            .split('/')
            .all(|part| !part.is_empty() && part.bytes().all(is_path_byte));
    if !valid {
        return Err(malformed(
            "PORTAL_CABINET_PREFIX",
            "a path such as /pa or /account/billing (letters, digits, - and _)",
        ));
    }
    Ok(prefix.to_string())
}

fn is_path_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_'
}

fn parse_addr(
    name: &str,
    var: impl Fn(&str) -> Option<String>,
    default: &str,
) -> Result<SocketAddr, ConfigError> {
    var(name)
        .as_deref()
        .unwrap_or(default)
        .trim()
        .parse()
        .map_err(|_| malformed(name, "an address with a port, e.g. 127.0.0.1:8080"))
}

fn parse_bool(
    name: &str,
    var: impl Fn(&str) -> Option<String>,
    default: bool,
) -> Result<bool, ConfigError> {
    match var(name)
        .map(|value| value.trim().to_ascii_lowercase())
        .as_deref()
    {
        None => Ok(default),
        Some("true" | "1" | "yes") => Ok(true),
        Some("false" | "0" | "no") => Ok(false),
        Some(_) => Err(malformed(name, "true or false")),
    }
}

fn parse_millis(
    name: &str,
    var: impl Fn(&str) -> Option<String>,
    default: u64,
) -> Result<Duration, ConfigError> {
    let millis = match var(name) {
        None => default,
        Some(value) => match value.trim().parse::<u64>() {
            Ok(millis) if (1..=600_000).contains(&millis) => millis,
            _ => return Err(malformed(name, "milliseconds between 1 and 600000")),
        },
    };
    Ok(Duration::from_millis(millis))
}

fn parse_minutes(
    name: &str,
    var: impl Fn(&str) -> Option<String>,
    default: u64,
) -> Result<Duration, ConfigError> {
    let minutes = match var(name) {
        None => default,
        Some(value) => match value.trim().parse::<u64>() {
            Ok(minutes) if (1..=525_600).contains(&minutes) => minutes,
            _ => return Err(malformed(name, "minutes between 1 and 525600")),
        },
    };
    Ok(Duration::from_secs(minutes * 60))
}

fn missing(name: &str, when: &str) -> ConfigError {
    ConfigError(format!("{name} is not set; it is required {when}"))
}

fn malformed(name: &str, expected: &str) -> ConfigError {
    ConfigError(format!("{name} is malformed: expected {expected}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn settings(pairs: &[(&str, &str)]) -> Result<Settings, ConfigError> {
        let vars: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Settings::from_vars(|name| vars.get(name).cloned())
    }

    const KEY: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    #[test]
    fn no_configuration_at_all_means_demo_mode_on_the_default_ports() {
        let settings = settings(&[]).unwrap();

        assert!(settings.is_demo());
        assert_eq!(settings.listen.to_string(), "127.0.0.1:8080");
        assert_eq!(settings.cabinet_prefix, "/pa");
        assert!(!settings.secure_cookies);
        assert!(settings.session_key.is_none());
    }

    #[test]
    fn a_priceplan_url_requires_the_manager_and_a_session_key() {
        let url = ("PRICEPLAN_URL", "https://sub-lk.priceplan.pro");
        let login = ("PRICEPLAN_MANAGER_LOGIN", "manager");
        let password = ("PRICEPLAN_MANAGER_PASSWORD", "secret");

        let no_login = settings(&[url]).unwrap_err();
        let no_password = settings(&[url, login]).unwrap_err();
        let no_key = settings(&[url, login, password]).unwrap_err();

        assert!(
            no_login
                .to_string()
                .starts_with("PRICEPLAN_MANAGER_LOGIN is not set")
        );
        assert!(
            no_password
                .to_string()
                .starts_with("PRICEPLAN_MANAGER_PASSWORD is not set")
        );
        assert!(
            no_key
                .to_string()
                .starts_with("PORTAL_SESSION_KEY is not set")
        );
    }

    #[test]
    fn a_complete_remote_configuration_is_read_with_secure_cookies_on() {
        let settings = settings(&[
            ("PRICEPLAN_URL", "https://sub-lk.priceplan.pro/"),
            ("PRICEPLAN_MANAGER_LOGIN", "manager"),
            ("PRICEPLAN_MANAGER_PASSWORD", "secret"),
            ("PRICEPLAN_TOKEN_MODE", "auth-key"),
            ("PORTAL_SESSION_KEY", KEY),
        ])
        .unwrap();

        let PricePlanTarget::Remote(priceplan) = &settings.priceplan else {
            panic!("expected a remote PricePlan");
        };
        assert_eq!(priceplan.api_url, "https://sub-lk.priceplan.pro");
        assert_eq!(priceplan.public_url, priceplan.api_url);
        assert_eq!(priceplan.token_mode, TokenMode::ClientAuthKey);
        assert!(settings.secure_cookies);
        assert!(!format!("{settings:?}").contains("secret"));
    }

    #[test]
    fn each_malformed_value_names_its_variable() {
        let cases = [
            ("PORTAL_LISTEN", "8080"),
            ("PORTAL_CABINET_PREFIX", "pa"),
            ("PORTAL_CABINET_PREFIX", "/pa/../x"),
            ("PORTAL_SESSION_KEY", "short"),
            ("PORTAL_SECURE_COOKIES", "maybe"),
            ("PORTAL_SESSION_IDLE_MINUTES", "0"),
            ("PORTAL_SESSION_LIFETIME_MINUTES", "forever"),
            ("PRICEPLAN_URL", "ftp://example"),
            ("PRICEPLAN_URL", "https://sub-lk.priceplan.pro/api"),
        ];

        for (name, value) in cases {
            let error = settings(&[(name, value)]).unwrap_err();

            assert!(
                error
                    .to_string()
                    .starts_with(&format!("{name} is malformed")),
                "{name}={value} gave: {error}"
            );
        }
    }

    #[test]
    fn demo_mode_can_use_a_sandbox_started_elsewhere() {
        let settings = settings(&[
            ("PORTAL_DEMO", "true"),
            ("PRICEPLAN_URL", "http://sandbox:8081"),
            ("PRICEPLAN_PUBLIC_URL", "http://127.0.0.1:8081"),
        ])
        .unwrap();

        let PricePlanTarget::Remote(priceplan) = &settings.priceplan else {
            panic!("expected a remote PricePlan");
        };
        assert!(settings.is_demo());
        assert!(
            matches!(&priceplan.auth, PricePlanAuth::Manager { login, .. }
                if login == sandbox::DEMO_MANAGER_LOGIN)
        );
        assert_eq!(priceplan.public_url, "http://127.0.0.1:8081");
    }

    #[test]
    fn a_priceplan_url_given_as_an_ip_address_is_accepted() {
        let settings = settings(&[
            ("PRICEPLAN_URL", "http://127.0.0.1:9000"),
            ("PRICEPLAN_MANAGER_LOGIN", "manager"),
            ("PRICEPLAN_MANAGER_PASSWORD", "secret"),
            ("PORTAL_SESSION_KEY", KEY),
        ])
        .unwrap();

        assert!(!settings.is_demo());
    }

    #[test]
    fn basic_auth_needs_the_api_key_and_password_instead_of_the_manager() {
        let url = ("PRICEPLAN_URL", "https://sub-lk.priceplan.pro");
        let basic = ("PRICEPLAN_AUTH", "basic");
        let key = ("PRICEPLAN_API_KEY", "key-1");
        let password = ("PRICEPLAN_API_PASSWORD", "secret");
        let session_key = ("PORTAL_SESSION_KEY", KEY);

        let no_key = settings(&[url, basic, session_key]).unwrap_err();
        let no_password = settings(&[url, basic, key, session_key]).unwrap_err();
        let complete = settings(&[url, basic, key, password, session_key]).unwrap();

        assert_eq!(
            no_key.to_string(),
            "PRICEPLAN_API_KEY is not set; it is required when PRICEPLAN_AUTH is basic"
        );
        assert!(
            no_password
                .to_string()
                .starts_with("PRICEPLAN_API_PASSWORD is not set")
        );
        let PricePlanTarget::Remote(priceplan) = &complete.priceplan else {
            panic!("expected a remote PricePlan");
        };
        assert!(
            matches!(&priceplan.auth, PricePlanAuth::Basic { api_key, .. } if api_key == "key-1")
        );
        assert!(!format!("{complete:?}").contains("secret"));
    }

    #[test]
    fn an_unknown_auth_mode_names_its_variable() {
        let error = settings(&[
            ("PRICEPLAN_URL", "https://sub-lk.priceplan.pro"),
            ("PRICEPLAN_AUTH", "oauth"),
        ])
        .unwrap_err();

        assert_eq!(
            error.to_string(),
            "PRICEPLAN_AUTH is malformed: expected `manager` or `basic`"
        );
    }

    #[test]
    fn the_operations_settings_are_read_and_the_token_never_prints() {
        let settings = settings(&[
            ("PORTAL_PUBLIC_URL", "https://portal.example.com/"),
            ("PORTAL_READY_CHECKS_PRICEPLAN", "false"),
            ("PORTAL_METRICS_TOKEN", "scrape-token-123"),
        ])
        .unwrap();

        let operations = &settings.operations;
        assert_eq!(
            operations.public_url.as_deref(),
            Some("https://portal.example.com")
        );
        assert!(!operations.ready_checks_priceplan);
        assert!(!format!("{settings:?}").contains("scrape-token-123"));
    }

    #[test]
    fn by_default_ready_checks_priceplan_and_metrics_need_no_token() {
        let operations = settings(&[]).unwrap().operations;

        assert!(operations.ready_checks_priceplan);
        assert!(operations.metrics_token.is_none());
        assert!(operations.public_url.is_none());
    }
}
