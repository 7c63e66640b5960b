//! The command line: serve the portal, run the sandbox alone, link an account.

use std::net::{SocketAddr, TcpListener};
use std::process::ExitCode;

use crate::config::Settings;
use crate::doctor::{self, TokenSubject};
use crate::priceplan::CustomerIds;
use crate::sandbox::{Sandbox, SandboxSettings};
use crate::startup::Application;
use crate::{accounts, database, demo};

const USAGE: &str = "\
Usage: priceplan-portal [COMMAND]

Commands:
  serve (default)               run the portal; without PRICEPLAN_URL, in demo mode
  sandbox                       run only the PricePlan sandbox (SANDBOX_LISTEN,
                                default 127.0.0.1:8081)
  link EMAIL CLIENT_ID USER_ID  link a portal account to a PricePlan client and user
  doctor [--user-id N | --client-id N]
                                check the settings against PricePlan, and with an id,
                                that PricePlan issues a token for it (never shown)
  help                          show this text

Settings come from the environment and a .env file; see README.md.";

/// Runs the command named by `args` (without the program name).
pub async fn run(args: Vec<String>) -> ExitCode {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match args.as_slice() {
        [] | ["serve"] => serve().await,
        ["sandbox"] => sandbox().await,
        ["link", email, client_id, user_id] => link(email, client_id, user_id).await,
        ["doctor", rest @ ..] => match doctor_subject(rest) {
            Ok(subject) => return doctor(subject).await,
            Err(message) => Err(message),
        },
        ["help" | "--help" | "-h"] => {
            println!("{USAGE}");
            Ok(())
        }
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn serve() -> Result<(), String> {
    let settings = Settings::from_env().map_err(|e| e.to_string())?;
    let demo_mode = settings.is_demo();
    let prefix = settings.cabinet_prefix.clone();
    let app = Application::build(settings)
        .await
        .map_err(|e| e.to_string())?;

    let portal = crate::startup::origin_of(app.address());
    println!("Portal:  {portal}/  (cabinet page: {portal}{prefix})");
    if let Some((_, sandbox)) = app.sandbox() {
        println!(
            "Sandbox: {}/  (built-in PricePlan stand-in)",
            crate::startup::origin_of(sandbox)
        );
    }
    if demo_mode {
        println!(
            "Demo mode. Sign in as {} with the password {}",
            demo::DEMO_EMAIL,
            demo::DEMO_PASSWORD
        );
    }
    app.run_until_stopped().await.map_err(|e| e.to_string())
}

async fn sandbox() -> Result<(), String> {
    let settings = SandboxSettings::from_vars(|name| std::env::var(name).ok())?;
    let listen: SocketAddr = std::env::var("SANDBOX_LISTEN")
        .unwrap_or_else(|_| "127.0.0.1:8081".into())
        .parse()
        .map_err(|_| "SANDBOX_LISTEN is malformed: expected an address with a port".to_string())?;
    let listener =
        TcpListener::bind(listen).map_err(|e| format!("cannot listen on {listen}: {e}"))?;

    let server = Sandbox::new(settings)
        .serve(listener)
        .map_err(|e| e.to_string())?;
    println!("PricePlan sandbox: {}/", crate::startup::origin_of(listen));
    server.await.map_err(|e| e.to_string())
}

/// Reads `[--user-id N | --client-id N]`.
fn doctor_subject(args: &[&str]) -> Result<Option<TokenSubject>, String> {
    let id = |value: &str| {
        value
            .parse::<i64>()
            .ok()
            .filter(|id| *id > 0)
            .ok_or_else(|| format!("the id must be a positive whole number, not {value:?}"))
    };
    match args {
        [] => Ok(None),
        ["--user-id", value] => Ok(Some(TokenSubject::User(id(value)?))),
        ["--client-id", value] => Ok(Some(TokenSubject::Client(id(value)?))),
        _ => Err("usage: doctor [--user-id N | --client-id N]".into()),
    }
}

async fn doctor(subject: Option<TokenSubject>) -> ExitCode {
    let report = doctor::diagnose(|name| std::env::var(name).ok(), subject).await;
    println!("{report}");
    match report.passed() {
        true => ExitCode::SUCCESS,
        false => ExitCode::FAILURE,
    }
}

async fn link(email: &str, client_id: &str, user_id: &str) -> Result<(), String> {
    let id = |name: &str, value: &str| {
        value
            .parse::<i64>()
            .ok()
            .filter(|id| *id > 0)
            .ok_or_else(|| format!("{name} must be a positive whole number, not {value:?}"))
    };
    let ids = CustomerIds {
        client_id: id("CLIENT_ID", client_id)?,
        user_id: id("USER_ID", user_id)?,
    };
    let email = accounts::forms::normalise_email(email).map_err(str::to_string)?;

    let url = std::env::var("PORTAL_DATABASE_URL").unwrap_or_else(|_| "sqlite:portal.db".into());
    let db = database::connect_existing(&url)
        .await
        .map_err(|e| format!("cannot open {url}: {e}"))?;
    match accounts::store::link_priceplan(&db, &email, ids).await {
        Ok(true) => {
            println!(
                "Linked {email} to PricePlan client {} and user {}.",
                ids.client_id, ids.user_id
            );
            Ok(())
        }
        Ok(false) => Err(format!("no account with the email {email}")),
        Err(e) => Err(format!("cannot update {url}: {e}")),
    }
}
