//! Reading settings from variables.

use super::*;
use crate::sandbox;
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
        ("PORTAL_REQUEST_TIMEOUT_SECS", "5"),
        ("PORTAL_CABINET_PREFIX", "/sign-in"),
        ("PORTAL_CABINET_PREFIX", "/"),
        ("PORTAL_CABINET_PREFIX", "//"),
        ("PORTAL_CABINET_PREFIX", "ä"),
        ("PORTAL_CABINET_PREFIX", "/éa"),
        ("PORTAL_CABINET_PREFIX", "/static/pa"),
        ("PORTAL_SESSION_KEY", "short"),
        ("PORTAL_SECURE_COOKIES", "maybe"),
        ("PORTAL_SESSION_IDLE_MINUTES", "0"),
        ("PORTAL_SESSION_LIFETIME_MINUTES", "forever"),
        ("PRICEPLAN_URL", "ftp://example"),
        ("PRICEPLAN_URL", "https://sub-lk.priceplan.pro/api"),
        ("PRICEPLAN_URL", "http://user:secret@127.0.0.1:9000"),
        ("PORTAL_SESSION_KEY", &"ä".repeat(31)),
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
    assert!(matches!(&priceplan.auth, PricePlanAuth::Basic { api_key, .. } if api_key == "key-1"));
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

#[test]
fn urls_are_kept_in_the_lower_case_form_browsers_compare() {
    let settings = settings(&[
        ("PORTAL_DEMO", "true"),
        ("PRICEPLAN_URL", "HTTP://SandBox.Example:8081/"),
    ])
    .unwrap();

    let PricePlanTarget::Remote(priceplan) = &settings.priceplan else {
        panic!("expected a remote PricePlan");
    };
    assert_eq!(priceplan.api_url, "http://sandbox.example:8081");
}
