//! `GET /sign-in` and `POST /sign-in`.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;
use sqlx::SqlitePool;

use crate::accounts::forms::{local_path, normalise_email};
use crate::accounts::throttle::{self, SignInThrottle, VisitorAddress};
use crate::accounts::{HomePath, PortalSession, password, store};
use crate::pages::{PageError, render, render_with_status};
use crate::secret::Secret;

/// The same message for an unknown email and a wrong password, so that the
/// form does not tell which accounts exist.
const REFUSED: &str = "Wrong email or password.";

#[derive(Template)]
#[template(path = "sign_in.html")]
struct SignInPage<'a> {
    csrf_token: &'a str,
    email: &'a str,
    next: &'a str,
    error: Option<&'a str>,
}

#[derive(Deserialize)]
pub struct SignInQuery {
    next: Option<String>,
}

#[derive(Deserialize)]
pub struct SignInForm {
    email: String,
    password: Secret<String>,
    #[serde(default)]
    next: String,
    /// Missing means refused like a wrong token: 403, not a form error.
    #[serde(default)]
    csrf_token: String,
}

/// Shows the sign-in form; a signed-in visitor goes straight on.
pub async fn form(
    session: PortalSession,
    query: web::Query<SignInQuery>,
    home: web::Data<HomePath>,
) -> Result<HttpResponse, PageError> {
    let next = query.next.as_deref().and_then(local_path).unwrap_or("");
    if session.user_id().is_some() {
        return Ok(see_other(if next.is_empty() { &home.0 } else { next }));
    }

    render(&SignInPage {
        csrf_token: &session.csrf_token(),
        email: "",
        next,
        error: None,
    })
}

/// Checks the credentials and starts a signed-in session.
pub async fn submit(
    session: PortalSession,
    form: web::Form<SignInForm>,
    db: web::Data<SqlitePool>,
    home: web::Data<HomePath>,
    throttle: web::Data<SignInThrottle>,
    VisitorAddress(address): VisitorAddress,
) -> Result<HttpResponse, PageError> {
    if !session.csrf_matches(&form.csrf_token) {
        return Err(PageError::FormExpired);
    }
    let SignInForm {
        email,
        password,
        next,
        ..
    } = form.into_inner();
    let next = local_path(&next).unwrap_or(&home.0).to_string();
    let normalised = normalise_email(&email).unwrap_or_else(|_| email.trim().to_lowercase());

    let refused_page = |message: &str, status| {
        let page = SignInPage {
            csrf_token: &session.csrf_token(),
            email: &printable(&email),
            next: &next,
            error: Some(message),
        };
        render_with_status(&page, status)
    };
    if let Err(wait) = throttle.check(&normalised, address) {
        tracing::warn!(address = ?address, "sign-in blocked after repeated failures");
        let message = format!(
            "Too many failed sign-ins. Try again in {}.",
            throttle::wait_in_words(wait)
        );
        let mut response = refused_page(&message, StatusCode::TOO_MANY_REQUESTS)?;
        let retry_after = header::HeaderValue::from(wait.as_secs().max(1));
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, retry_after);
        return Ok(response);
    }

    let stored = store::credentials(&db, &normalised)
        .await
        .map_err(PageError::unexpected)?;
    let (user_id, customer, hash) = match stored {
        Some(stored) => (
            Some(stored.id),
            stored.customer_ids(),
            Some(stored.password_hash),
        ),
        None => (None, None, None),
    };
    let verified = password::verify(password, hash).await?;

    match user_id.filter(|_| verified) {
        Some(user_id) => {
            throttle.succeeded(&normalised, address);
            session
                .sign_in(user_id, customer)
                .map_err(PageError::unexpected)?;
            tracing::info!(user_id, "signed in");
            Ok(see_other(&next))
        }
        None => {
            throttle.failed(&normalised, address);
            tracing::info!(address = ?address, "sign-in refused");
            refused_page(REFUSED, StatusCode::UNAUTHORIZED)
        }
    }
}

/// What was typed, trimmed and without control characters, to show again.
fn printable(typed: &str) -> String {
    typed.trim().chars().filter(|c| !c.is_control()).collect()
}

/// A `303 See Other` to a path of this portal.
pub fn see_other(path: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, path))
        .finish()
}
