//! `GET /sign-in` and `POST /sign-in`.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;
use sqlx::SqlitePool;

use crate::accounts::forms::{local_path, normalise_email};
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

    let normalised = normalise_email(&email).unwrap_or_default();
    let stored = store::credentials(&db, &normalised)
        .await
        .map_err(PageError::unexpected)?;
    let (user_id, hash) = match stored {
        Some(stored) => (Some(stored.id), Some(stored.password_hash)),
        None => (None, None),
    };
    let verified = password::verify(password, hash)
        .await
        .map_err(PageError::unexpected)?;

    match user_id.filter(|_| verified) {
        Some(user_id) => {
            session.sign_in(user_id).map_err(PageError::unexpected)?;
            tracing::info!(user_id, "signed in");
            Ok(see_other(&next))
        }
        None => {
            tracing::info!("sign-in refused");
            let page = SignInPage {
                csrf_token: &session.csrf_token(),
                email: email.trim(),
                next: &next,
                error: Some(REFUSED),
            };
            render_with_status(&page, StatusCode::UNAUTHORIZED)
        }
    }
}

/// A `303 See Other` to a path of this portal.
pub fn see_other(path: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, path))
        .finish()
}
