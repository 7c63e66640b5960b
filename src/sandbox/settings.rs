//! Settings of one sandbox, from code or from `SANDBOX_*` variables.

use std::fmt;
use std::time::Duration;

use super::{DEMO_API_KEY, DEMO_API_PASSWORD, DEMO_MANAGER_LOGIN, DEMO_MANAGER_PASSWORD, origin};

/// The portal origin allowed by default when `SANDBOX_ALLOWED_ORIGINS` is unset.
const DEFAULT_ALLOWED_ORIGIN: &str = "http://127.0.0.1:8080";

/// How long a one-time token stays valid unless configured otherwise.
const DEFAULT_TOKEN_LIFETIME: Duration = Duration::from_secs(5 * 60);

/// Settings of one sandbox.
#[derive(Clone)]
pub struct SandboxSettings {
    /// Login of the Manager service user that `POST /api/login` accepts.
    pub manager_login: String,
    /// Password of that user; never printed by `Debug`.
    pub manager_password: String,
    /// API key that HTTP Basic authentication accepts instead of a Manager session.
    pub api_key: String,
    /// Password that goes with the API key; never printed by `Debug`.
    pub api_password: String,
    /// Origins allowed to embed the cabinet ("available domains"), e.g.
    /// "http://127.0.0.1:8080"; "*" allows any.
    pub allowed_origins: Vec<String>,
    /// How long a one-time token stays valid.
    pub token_lifetime: Duration,
}

impl fmt::Debug for SandboxSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SandboxSettings")
            .field("manager_login", &self.manager_login)
            .field("manager_password", &"[redacted]")
            .field("api_key", &self.api_key)
            .field("api_password", &"[redacted]")
            .field("allowed_origins", &self.allowed_origins)
            .field("token_lifetime", &self.token_lifetime)
            .finish()
    }
}

impl SandboxSettings {
    /// Demo credentials, allowing the given portal origin, tokens valid 5 minutes.
    pub fn demo(portal_origin: &str) -> Self {
        Self {
            manager_login: DEMO_MANAGER_LOGIN.to_owned(),
            manager_password: DEMO_MANAGER_PASSWORD.to_owned(),
            api_key: DEMO_API_KEY.to_owned(),
            api_password: DEMO_API_PASSWORD.to_owned(),
            allowed_origins: vec![portal_origin.to_owned()],
            token_lifetime: DEFAULT_TOKEN_LIFETIME,
        }
    }

    /// Reads `SANDBOX_MANAGER_LOGIN`, `SANDBOX_MANAGER_PASSWORD`, `SANDBOX_API_KEY`,
    /// `SANDBOX_API_PASSWORD`, `SANDBOX_ALLOWED_ORIGINS`
    /// (comma-separated) and `SANDBOX_TOKEN_LIFETIME_SECS` through `var` (a lookup
    /// function, so the caller decides where values come from); each unset one takes the
    /// demo default (allowed origins default: `http://127.0.0.1:8080`).
    ///
    /// A malformed value gives `Err` with one clear line naming the variable.
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Result<Self, String> {
        let mut settings = Self::demo(DEFAULT_ALLOWED_ORIGIN);

        if let Some(login) = var("SANDBOX_MANAGER_LOGIN") {
            settings.manager_login = non_empty("SANDBOX_MANAGER_LOGIN", login)?;
        }
        if let Some(password) = var("SANDBOX_MANAGER_PASSWORD") {
            settings.manager_password = non_empty("SANDBOX_MANAGER_PASSWORD", password)?;
        }
        if let Some(key) = var("SANDBOX_API_KEY") {
            settings.api_key = non_empty("SANDBOX_API_KEY", key)?;
        }
        if let Some(password) = var("SANDBOX_API_PASSWORD") {
            settings.api_password = non_empty("SANDBOX_API_PASSWORD", password)?;
        }
        if let Some(origins) = var("SANDBOX_ALLOWED_ORIGINS") {
            settings.allowed_origins = parse_origins(&origins)?;
        }
        if let Some(secs) = var("SANDBOX_TOKEN_LIFETIME_SECS") {
            settings.token_lifetime = parse_lifetime(&secs)?;
        }
        Ok(settings)
    }
}

fn non_empty(name: &str, value: String) -> Result<String, String> {
    if value.trim().is_empty() {
        return Err(format!("{name} is set but empty"));
    }
    Ok(value)
}

fn parse_origins(value: &str) -> Result<Vec<String>, String> {
    let name = "SANDBOX_ALLOWED_ORIGINS";
    let mut origins = Vec::new();
    for item in value
        .split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
    {
        if item == "*" {
            origins.push(item.to_owned());
            continue;
        }
        match origin::normalize(item) {
            Some(origin) => origins.push(origin),
            None => {
                return Err(format!(
                    "{name}: {item:?} is not an origin like http://127.0.0.1:8080 or *"
                ));
            }
        }
    }
    if origins.is_empty() {
        return Err(format!("{name} is set but lists no origin"));
    }
    Ok(origins)
}

fn parse_lifetime(value: &str) -> Result<Duration, String> {
    match value.trim().parse::<u64>() {
        Ok(secs) if secs > 0 => Ok(Duration::from_secs(secs)),
        _ => Err(format!(
            "SANDBOX_TOKEN_LIFETIME_SECS: {value:?} is not a positive whole number of seconds"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        }
    }

    #[test]
    fn unset_variables_take_the_demo_defaults() {
        let settings = SandboxSettings::from_vars(vars(&[]));

        let settings = settings.unwrap();
        assert_eq!(settings.manager_login, DEMO_MANAGER_LOGIN);
        assert_eq!(settings.manager_password, DEMO_MANAGER_PASSWORD);
        assert_eq!(settings.api_key, DEMO_API_KEY);
        assert_eq!(settings.api_password, DEMO_API_PASSWORD);
        assert_eq!(settings.allowed_origins, vec!["http://127.0.0.1:8080"]);
        assert_eq!(settings.token_lifetime, Duration::from_secs(300));
    }

    #[test]
    fn set_variables_override_the_defaults() {
        let lookup = vars(&[
            ("SANDBOX_MANAGER_LOGIN", "m@x"),
            ("SANDBOX_MANAGER_PASSWORD", "pw"),
            ("SANDBOX_API_KEY", "k"),
            ("SANDBOX_API_PASSWORD", "kp"),
            ("SANDBOX_ALLOWED_ORIGINS", "http://a.example, *"),
            ("SANDBOX_TOKEN_LIFETIME_SECS", "7"),
        ]);

        let settings = SandboxSettings::from_vars(lookup).unwrap();

        assert_eq!(settings.manager_login, "m@x");
        assert_eq!(settings.manager_password, "pw");
        assert_eq!(settings.api_key, "k");
        assert_eq!(settings.api_password, "kp");
        assert_eq!(settings.allowed_origins, vec!["http://a.example", "*"]);
        assert_eq!(settings.token_lifetime, Duration::from_secs(7));
    }

    #[test]
    fn a_malformed_value_is_refused_with_the_variable_name() {
        let cases = [
            ("SANDBOX_TOKEN_LIFETIME_SECS", "soon"),
            ("SANDBOX_TOKEN_LIFETIME_SECS", "0"),
            ("SANDBOX_ALLOWED_ORIGINS", "http://a/b"),
            ("SANDBOX_ALLOWED_ORIGINS", " , "),
            ("SANDBOX_MANAGER_PASSWORD", ""),
            ("SANDBOX_API_PASSWORD", " "),
        ];
        for (name, value) in cases {
            let error = SandboxSettings::from_vars(vars(&[(name, value)])).unwrap_err();

            assert!(error.starts_with(name), "{error}");
            assert!(!error.contains('\n'), "{error}");
        }
    }

    #[test]
    fn debug_output_hides_the_password() {
        let settings = SandboxSettings::demo("http://127.0.0.1:8080");

        let printed = format!("{settings:?}");

        assert!(printed.contains("[redacted]"));
        assert!(!printed.contains(DEMO_MANAGER_PASSWORD));
        assert!(!printed.contains(DEMO_API_PASSWORD));
    }
}
