//! `GET /sign-up` and `POST /sign-up`.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;
use sqlx::SqlitePool;

use crate::accounts::forms::{check_new_password, normalise_display_name, normalise_email};
use crate::accounts::sign_in::see_other;
use crate::accounts::store::{self, NewUser, StoreError};
use crate::accounts::throttle::{self, SignInThrottle, VisitorAddress};
use crate::accounts::{HomePath, PortalSession, password};
use crate::pages::{PageError, render, render_with_status};
use crate::secret::Secret;

/// The sign-up form, with what was typed (never the password) and a
/// message per field that needs another look.
#[derive(Template, Default)]
#[template(path = "sign_up.html")]
struct SignUpPage<'a> {
    csrf_token: &'a str,
    /// A message about the whole form rather than one field.
    form_error: Option<&'a str>,
    email: &'a str,
    display_name: &'a str,
    email_error: Option<&'a str>,
    display_name_error: Option<&'a str>,
    password_error: Option<&'a str>,
}

#[derive(Deserialize)]
pub struct SignUpForm {
    email: String,
    display_name: String,
    password: Secret<String>,
    /// Missing means refused like a wrong token: 403, not a form error.
    #[serde(default)]
    csrf_token: String,
}

/// Shows the empty sign-up form; a signed-in visitor goes to the cabinet.
pub async fn form(
    session: PortalSession,
    home: web::Data<HomePath>,
) -> Result<HttpResponse, PageError> {
    if session.user_id().is_some() {
        return Ok(see_other(&home.0));
    }
    render(&SignUpPage {
        csrf_token: &session.csrf_token(),
        ..SignUpPage::default()
    })
}

/// Creates the account and signs it in, or shows the form again with
/// what needs fixing.
pub async fn submit(
    session: PortalSession,
    form: web::Form<SignUpForm>,
    db: web::Data<SqlitePool>,
    home: web::Data<HomePath>,
    throttle: web::Data<SignInThrottle>,
    VisitorAddress(address): VisitorAddress,
) -> Result<HttpResponse, PageError> {
    if !session.csrf_matches(&form.csrf_token) {
        return Err(PageError::FormExpired);
    }
    let form = form.into_inner();

    let email = normalise_email(&form.email);
    let display_name = normalise_display_name(&form.display_name);
    let password_check = check_new_password(form.password.expose());
    let csrf_token = session.csrf_token();
    let (Ok(email), Ok(display_name), Ok(())) = (&email, &display_name, password_check) else {
        let page = SignUpPage {
            csrf_token: &csrf_token,
            email: form.email.trim(),
            display_name: form.display_name.trim(),
            email_error: email.as_ref().err().copied(),
            display_name_error: display_name.as_ref().err().copied(),
            password_error: password_check.err(),
            ..SignUpPage::default()
        };
        return render_with_status(&page, StatusCode::UNPROCESSABLE_ENTITY);
    };

    if let Err(wait) = throttle.check_sign_up(address) {
        tracing::warn!(address = ?address, "registration blocked after many attempts");
        let message = format!(
            "Too many registrations from your network. Try again in {}.",
            throttle::wait_in_words(wait)
        );
        let page = SignUpPage {
            csrf_token: &csrf_token,
            email,
            display_name,
            form_error: Some(&message),
            ..SignUpPage::default()
        };
        return render_with_status(&page, StatusCode::TOO_MANY_REQUESTS);
    }
    throttle.signing_up(address);

    let password_hash = password::hash(form.password).await?;
    let new_user = NewUser {
        email,
        display_name,
        password_hash: &password_hash,
    };
    match store::insert(&db, &new_user).await {
        Ok(user_id) => {
            throttle.succeeded(email, address);
            session
                .sign_in(user_id, None)
                .map_err(PageError::unexpected)?;
            tracing::info!(user_id, "account created");
            Ok(see_other(&home.0))
        }
        Err(StoreError::EmailTaken) => {
            let page = SignUpPage {
                csrf_token: &csrf_token,
                email,
                display_name,
                email_error: Some("An account with this email already exists. Sign in instead."),
                ..SignUpPage::default()
            };
            render_with_status(&page, StatusCode::CONFLICT)
        }
        Err(error) => Err(PageError::unexpected(error)),
    }
}
