//! The doctor's checks, in the order a partner would fix things.

use std::net::IpAddr;
use std::time::Duration;

use awc::http::Uri;

use crate::config::{PricePlanAuth, PricePlanSettings, PricePlanTarget, Settings, TokenMode};
use crate::doctor::{Level, Report, TokenSubject};
use crate::priceplan::{ApiErrorCode, PricePlanClient, PricePlanError, PricePlanShared};

/// Checks the settings read through `var` against the PricePlan they name,
/// and asks for a token for `subject` when given. The token is never shown.
pub async fn diagnose(
    var: impl Fn(&str) -> Option<String>,
    subject: Option<TokenSubject>,
) -> Report {
    let mut report = Report::default();

    let settings = match Settings::from_vars(&var) {
        Ok(settings) => settings,
        Err(error) => {
            report.add(Level::Fail, format!("settings: {error}"));
            return report;
        }
    };
    let PricePlanTarget::Remote(priceplan) = &settings.priceplan else {
        report.add(
            Level::Fail,
            "PRICEPLAN_URL is not set, so the portal runs in demo mode against its \
             built-in sandbox: set PRICEPLAN_URL to your cabinet host, \
             e.g. https://yoursub-lk.priceplan.pro",
        );
        return report;
    };
    report.add(Level::Ok, describe(priceplan));

    check_https(&mut report, "PRICEPLAN_URL", &priceplan.api_url);
    if priceplan.public_url != priceplan.api_url {
        check_https(&mut report, "PRICEPLAN_PUBLIC_URL", &priceplan.public_url);
    }
    if check_reachable(&mut report, &priceplan.api_url, priceplan.connect_timeout).await {
        let client = PricePlanClient::new(PricePlanShared::new(priceplan.clone()));
        if check_credentials(&mut report, &client, &priceplan.auth).await {
            check_token(&mut report, &client, priceplan.token_mode, subject).await;
        }
    }

    advise(&mut report, &settings);
    report
}

fn describe(priceplan: &PricePlanSettings) -> String {
    let auth = match &priceplan.auth {
        PricePlanAuth::Manager { login, .. } => format!("the Manager {login}"),
        PricePlanAuth::Basic { api_key, .. } => format!("the API key {api_key}"),
    };
    let mode = match priceplan.token_mode {
        TokenMode::UserResetToken => "reset-token",
        TokenMode::ClientAuthKey => "auth-key",
    };
    format!(
        "settings load: PricePlan at {}, signing in as {auth}, token mode {mode}",
        priceplan.api_url
    )
}

fn check_https(report: &mut Report, name: &str, url: &str) {
    let Ok(uri) = url.parse::<Uri>() else {
        return;
    };
    let host = uri.host().unwrap_or_default();
    match uri.scheme_str() {
        Some("https") => report.add(Level::Ok, format!("{name} uses HTTPS")),
        _ if is_loopback(host) => report.add(
            Level::Ok,
            format!("{name} uses plain http to {host} on this machine (a sandbox?)"),
        ),
        _ => report.add(
            Level::Warn,
            format!(
                "{name} uses plain http: passwords and tokens cross the network readable; \
                 use the https:// address of your cabinet host"
            ),
        ),
    }
}

/// Opens a TCP connection to the PricePlan host. Returns whether it worked.
async fn check_reachable(report: &mut Report, url: &str, limit: Duration) -> bool {
    let Ok(uri) = url.parse::<Uri>() else {
        report.add(Level::Fail, "PRICEPLAN_URL cannot be read as a URL");
        return false;
    };
    let host = uri.host().unwrap_or_default();
    let bare_host = host.trim_start_matches('[').trim_end_matches(']');
    let default_port = if uri.scheme_str() == Some("https") {
        443
    } else {
        80
    };
    let port = uri.port_u16().unwrap_or(default_port);

    let connect = actix_web::rt::net::TcpStream::connect((bare_host, port));
    let outcome = actix_web::rt::time::timeout(limit, connect).await;
    match outcome {
        Ok(Ok(_)) => {
            report.add(Level::Ok, format!("{host}:{port} is reachable"));
            true
        }
        Ok(Err(error)) => {
            report.add(
                Level::Fail,
                format!(
                    "{host}:{port} is not reachable ({error}): check the host name in \
                     PRICEPLAN_URL, DNS, and that a firewall or proxy lets this machine out"
                ),
            );
            false
        }
        Err(_) => {
            report.add(
                Level::Fail,
                format!(
                    "{host}:{port} did not accept a connection within {} ms: check the network, \
                     or raise PRICEPLAN_CONNECT_TIMEOUT_MS",
                    limit.as_millis()
                ),
            );
            false
        }
    }
}

/// Checks that PricePlan accepts the credentials. Returns whether to go on.
async fn check_credentials(
    report: &mut Report,
    client: &PricePlanClient,
    auth: &PricePlanAuth,
) -> bool {
    if let PricePlanAuth::Basic { .. } = auth {
        report.add(
            Level::Skip,
            "API key: PricePlan checks it only with a call, so the token check below tests it",
        );
        return true;
    }
    match client.check_credentials().await {
        Ok(()) => {
            report.add(Level::Ok, "the Manager signs in to PricePlan");
            true
        }
        Err(error @ PricePlanError::SignInRefused { .. }) => {
            report.add(
                Level::Fail,
                format!(
                    "{error}; the user must exist in the PricePlan back office with the role \
                     \"Manager\""
                ),
            );
            false
        }
        Err(error) => {
            report.add(
                Level::Fail,
                format!("Manager sign-in: {error}; {}", hint(&error)),
            );
            false
        }
    }
}

async fn check_token(
    report: &mut Report,
    client: &PricePlanClient,
    mode: TokenMode,
    subject: Option<TokenSubject>,
) {
    let (what, result) = match subject {
        None => {
            report.add(
                Level::Skip,
                "token: pass --user-id N (reset-token mode) or --client-id N (auth-key mode) \
                 to check that PricePlan issues a one-time token",
            );
            return;
        }
        Some(TokenSubject::User(id)) => {
            if mode != TokenMode::UserResetToken {
                report.add(
                    Level::Warn,
                    "--user-id checks reset-token, but PRICEPLAN_TOKEN_MODE is auth-key: \
                     pass --client-id to check what the portal will do",
                );
            }
            (format!("user {id}"), client.token_for_user(id).await)
        }
        Some(TokenSubject::Client(id)) => {
            if mode != TokenMode::ClientAuthKey {
                report.add(
                    Level::Warn,
                    "--client-id checks auth-key, but PRICEPLAN_TOKEN_MODE is reset-token: \
                     pass --user-id to check what the portal will do",
                );
            }
            (format!("client {id}"), client.token_for_client(id).await)
        }
    };

    match result {
        Ok(_) => report.add(
            Level::Ok,
            format!("a one-time token was issued for {what} (not shown; it expires unused)"),
        ),
        Err(error) => report.add(
            Level::Fail,
            format!("token for {what}: {error}; {}", hint(&error)),
        ),
    }
}

/// What to change for a failed call.
fn hint(error: &PricePlanError) -> &'static str {
    match error {
        PricePlanError::Unreachable { .. } => {
            "check PRICEPLAN_URL, and that TLS and any proxy let this machine through"
        }
        PricePlanError::Timeout { .. } => {
            "PricePlan is slow or blocked: check the network, or raise PRICEPLAN_TIMEOUT_MS"
        }
        PricePlanError::SignInRefused { .. } | PricePlanError::SessionExpired { .. } => {
            "check the credentials named above"
        }
        PricePlanError::Forbidden { .. } => {
            "give the Manager user the right to issue cabinet tokens in PricePlan"
        }
        PricePlanError::Api { codes, .. } if codes.contains(&ApiErrorCode::ObjectNotFound) => {
            "PricePlan has no such id: take it from the PricePlan back office"
        }
        PricePlanError::Api { .. } => "see PricePlan's error code above",
        PricePlanError::UnexpectedAnswer { .. } => {
            "PRICEPLAN_URL may not be the cabinet host: it looks like https://SUB-lk.priceplan.pro"
        }
    }
}

/// The PricePlan-side settings, with this portal's values where known.
fn advise(report: &mut Report, settings: &Settings) {
    report.advise(
        "Integrations -> Client cabinet: turned on, with the cabinet widget and sign-in by link",
    );
    let Some(public_url) = &settings.operations.public_url else {
        report.add(
            Level::Warn,
            "PORTAL_PUBLIC_URL is not set: set it to the portal's origin as browsers see it \
             (e.g. https://portal.example.com) to see the exact values PricePlan needs",
        );
        report.advise("\"Available domains\": must contain the portal's host");
        report.advise("Allowed iframe source: the portal's origin (or *)");
        report.advise("The portal is served over HTTPS");
        return;
    };

    let uri = public_url.parse::<Uri>().ok();
    let host = uri.as_ref().and_then(Uri::host).unwrap_or_default();
    let https = uri.as_ref().and_then(Uri::scheme_str) == Some("https");
    if !https && !is_loopback(host) {
        report.add(
            Level::Warn,
            "PORTAL_PUBLIC_URL uses plain http: the framed cabinet cannot keep its session; \
             serve the portal over HTTPS",
        );
    }
    report.advise(format!("\"Available domains\": must contain {host}"));
    report.advise(format!("Allowed iframe source: {public_url} (or *)"));
    report.advise(format!(
        "The frame loads {public_url}{}/redirect-to-pp, which redirects to {}/auth-key/TOKEN/",
        settings.cabinet_prefix,
        match &settings.priceplan {
            PricePlanTarget::Remote(priceplan) => priceplan.public_url.as_str(),
            PricePlanTarget::Demo { .. } => "the sandbox",
        }
    ));
    report.advise(match https {
        true => "The portal is served over HTTPS: yes".to_string(),
        false => format!("The portal is served over HTTPS: no, {public_url} is plain http"),
    });
}

fn is_loopback(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    bare.eq_ignore_ascii_case("localhost")
        || bare.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_hosts_are_recognised_in_every_spelling() {
        for host in ["127.0.0.1", "localhost", "[::1]", "127.1.2.3"] {
            assert!(is_loopback(host), "{host}");
        }
        assert!(!is_loopback("sub-lk.priceplan.pro"));
        assert!(!is_loopback("10.0.0.1"));
    }

    #[test]
    fn plain_http_to_another_host_is_a_warning_and_https_is_fine() {
        let mut report = Report::default();

        check_https(&mut report, "PRICEPLAN_URL", "http://sub-lk.priceplan.pro");
        check_https(&mut report, "PRICEPLAN_URL", "https://sub-lk.priceplan.pro");

        let text = report.to_string();
        assert!(
            text.contains("[WARN] PRICEPLAN_URL uses plain http"),
            "{text}"
        );
        assert!(text.contains("[ok  ] PRICEPLAN_URL uses HTTPS"), "{text}");
        assert!(report.passed());
    }
}
