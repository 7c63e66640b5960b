//! Where PricePlan is and how the portal signs in to it.

use std::time::Duration;

use super::ConfigError;
use super::values::{malformed, millis, missing};
use crate::sandbox;
use crate::secret::Secret;

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

/// Reads the PricePlan settings. In demo mode the Manager defaults to the
/// sandbox's demo Manager.
pub(super) fn priceplan_settings(
    url: &str,
    var: impl Fn(&str) -> Option<String>,
    demo: bool,
) -> Result<PricePlanSettings, ConfigError> {
    let example = "https://yoursub-lk.priceplan.pro";
    let api_url = base_url("PRICEPLAN_URL", url, example)?;
    let public_url = match var("PRICEPLAN_PUBLIC_URL") {
        Some(public) => base_url("PRICEPLAN_PUBLIC_URL", &public, example)?,
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
    let required = |name: &str, demo_default: &str, when: &str| match var(name) {
        Some(value) => Ok(value),
        None if demo => Ok(demo_default.to_string()),
        None => Err(missing(name, when)),
    };
    let (manager, basic) = ("when PRICEPLAN_URL is set", "when PRICEPLAN_AUTH is basic");
    let auth = match var("PRICEPLAN_AUTH").as_deref().map(str::trim) {
        None | Some("manager") => PricePlanAuth::Manager {
            login: required(
                "PRICEPLAN_MANAGER_LOGIN",
                sandbox::DEMO_MANAGER_LOGIN,
                manager,
            )?,
            password: Secret::new(required(
                "PRICEPLAN_MANAGER_PASSWORD",
                sandbox::DEMO_MANAGER_PASSWORD,
                manager,
            )?),
        },
        Some("basic") => PricePlanAuth::Basic {
            api_key: required("PRICEPLAN_API_KEY", sandbox::DEMO_API_KEY, basic)?,
            api_password: Secret::new(required(
                "PRICEPLAN_API_PASSWORD",
                sandbox::DEMO_API_PASSWORD,
                basic,
            )?),
        },
        Some(_) => return Err(malformed("PRICEPLAN_AUTH", "`manager` or `basic`")),
    };

    Ok(PricePlanSettings {
        api_url,
        public_url,
        auth,
        token_mode,
        connect_timeout: millis("PRICEPLAN_CONNECT_TIMEOUT_MS", &var, 3_000)?,
        request_timeout: millis("PRICEPLAN_TIMEOUT_MS", &var, 10_000)?,
    })
}

/// Checks an `http(s)://host[:port]` URL and returns it in the form that
/// browsers compare origins in: lower case, no trailing slash.
pub(super) fn base_url(name: &str, value: &str, example: &str) -> Result<String, ConfigError> {
    let trimmed = value.trim().trim_end_matches('/');
    let shape = format!("an http:// or https:// URL of a host, e.g. {example}");
    let uri: awc::http::Uri = trimmed.parse().map_err(|_| malformed(name, &shape))?;

    let scheme = uri.scheme_str().map(str::to_ascii_lowercase);
    let scheme_ok = matches!(scheme.as_deref(), Some("http" | "https"));
    let path_ok = uri.path().is_empty() || uri.path() == "/";
    if !scheme_ok || uri.host().is_none() || !path_ok || uri.query().is_some() {
        return Err(malformed(name, &shape));
    }
    let authority = uri.authority().map(|a| a.as_str()).unwrap_or_default();
    // Credentials in the URL would reach every browser through the redirect.
    if authority.contains('@') {
        return Err(malformed(
            name,
            "a URL without a user name or password in it",
        ));
    }
    let scheme = scheme.unwrap_or_default();
    Ok(format!("{scheme}://{}", authority.to_ascii_lowercase()))
}
