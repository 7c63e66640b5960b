//! The sandbox's PricePlan API under `/api/`.
//!
//! | call | answer `data` |
//! |---|---|
//! | `POST /api/login` `{"user", "password"}` | `{"user"}`, plus the `sessionid` cookie |
//! | `GET /api/users/USER_ID/reset_token/` | `{"token"}` |
//! | `GET /api/clients/CLIENT_ID/auth-key/` | `{"key", "expire_date", "link"}` (nulls if none) |
//! | `POST /api/clients/CLIENT_ID/auth-key/` | `{"key", "expire_date", "link"}` |
//! | `POST /api/clients/` `{"name", "type", "values"}` | the new client |
//! | `GET /api/clients/CLIENT_ID[/]` | `{"id", "name", "type", "balance", "user_id", "values"}` |
//!
//! Every call but the login needs the `sessionid` cookie of a login, or the API key and
//! password as HTTP Basic authentication; without either the answer is HTTP 401 with code
//! [`super::NOT_AUTHENTICATED`]. Unknown ids give HTTP 404
//! with code 6, bad input HTTP 400 with code 2, 3, 4 or 7. While a [`super::Fault`] is set,
//! it replaces (or delays) every answer here, the login's included.

mod clients;
mod fault;
mod login;
mod session;

use actix_web::web;

use super::envelope::ApiError;

pub(super) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/api")
            .wrap_fn(fault::count_and_inject)
            .route("/login", web::post().to(login::login))
            .route("/login/", web::post().to(login::login))
            .route(
                "/users/{user_id}/reset_token/",
                web::get().to(clients::reset_token),
            )
            .route(
                "/clients/{client_id}/auth-key/",
                web::get().to(clients::read_auth_key),
            )
            .route(
                "/clients/{client_id}/auth-key/",
                web::post().to(clients::issue_auth_key),
            )
            .route("/clients/", web::post().to(clients::create_client))
            .route("/clients/{client_id}", web::get().to(clients::read_client))
            .route("/clients/{client_id}/", web::get().to(clients::read_client))
            .default_service(web::to(unknown_call)),
    );
}

async fn unknown_call() -> Result<actix_web::HttpResponse, ApiError> {
    Err(ApiError::NotFound("API call"))
}

/// Parses an id from the path; a non-number is an invalid argument.
fn parse_id(raw: &str, name: &'static str) -> Result<i64, ApiError> {
    raw.parse()
        .map_err(|_| ApiError::Invalid(format!("{name} must be a whole number")))
}
