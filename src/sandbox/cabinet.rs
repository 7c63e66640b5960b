//! The customer cabinet: the one-time sign-in link, the cabinet page and the index page.
//!
//! Cabinet answers may be framed only by the allowed origins (`frame-ancestors`), and
//! `/auth-key/TOKEN/` first checks that the `Referer` comes from one of them. Tokens never
//! reach a log.

use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::StatusCode;
use actix_web::http::header::{self, ContentType};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::pages::{CabinetPage, IndexPage, MessagePage};
use super::{DEMO_CLIENT_ID, DEMO_USER_ID, Sandbox, origin};

/// Name of the cabinet session cookie.
const CABINET_COOKIE: &str = "lk_session";

/// The message PricePlan shows when the embedding host is not allowed.
pub const NOT_AVAILABLE_DOMAIN: &str =
    "Your host is not included in available domains. Please, check your account settings.";

pub(super) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(index))
        .route("/auth-key/{token}/", web::get().to(sign_in_by_link))
        .route("/cabinet/", web::get().to(cabinet));
}

/// Keeps `*` and the values that are origins (normalised); drops the rest with a warning.
pub(super) fn clean_origins(origins: Vec<String>) -> Vec<String> {
    origins
        .into_iter()
        .filter_map(|value| {
            if value.trim() == "*" {
                return Some("*".to_owned());
            }
            let normalized = origin::normalize(&value);
            if normalized.is_none() {
                tracing::warn!(origin = %value, "sandbox: not an origin, ignored");
            }
            normalized
        })
        .collect()
}

async fn index() -> HttpResponse {
    let page = IndexPage {
        demo_client_id: DEMO_CLIENT_ID,
        demo_user_id: DEMO_USER_ID,
    };
    html(StatusCode::OK, &page, "'none'")
}

/// `GET /auth-key/TOKEN/`: checks the embedding host, then uses the token up once.
async fn sign_in_by_link(
    req: HttpRequest,
    sandbox: web::Data<Sandbox>,
    token: web::Path<String>,
) -> HttpResponse {
    let referer_origin = req
        .headers()
        .get(header::REFERER)
        .and_then(|value| value.to_str().ok())
        .and_then(origin::of_referer);

    let mut state = sandbox.state();
    let ancestors = frame_ancestors(&state.allowed_origins);
    let allowed = referer_origin
        .as_ref()
        .is_some_and(|found| is_allowed(&state.allowed_origins, found));
    if !allowed {
        drop(state);
        tracing::warn!(origin = ?referer_origin, "sandbox: sign-in link from a host not allowed");
        let page = message("Access denied", NOT_AVAILABLE_DOMAIN, "");
        // The message must be readable inside the misconfigured portal's frame.
        return html(StatusCode::FORBIDDEN, &page, "*");
    }

    let client_id = match state.consume_token(&token) {
        Ok(client_id) => client_id,
        Err(refusal) => {
            drop(state);
            tracing::warn!(?refusal, "sandbox: sign-in link refused");
            let page = message(
                "Link no longer valid",
                "This sign-in link is no longer valid: it was already used or it expired.",
                "Please reload the portal page to get a new one.",
            );
            return html(StatusCode::GONE, &page, &ancestors);
        }
    };
    state.stats.cabinet_sign_ins += 1;
    let session = state.start_cabinet_session(client_id);
    drop(state);

    tracing::info!(client_id, "sandbox: customer signed in to the cabinet");
    let cookie = Cookie::build(CABINET_COOKIE, session)
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .finish();
    let mut response = HttpResponse::Found();
    response
        .insert_header((header::LOCATION, "/cabinet/"))
        .cookie(cookie);
    secure(&mut response, &ancestors);
    response.finish()
}

/// `GET /cabinet/`: the cabinet of the client whose session the cookie names.
async fn cabinet(req: HttpRequest, sandbox: web::Data<Sandbox>) -> HttpResponse {
    let state = sandbox.state();
    let ancestors = frame_ancestors(&state.allowed_origins);
    let page = req
        .cookie(CABINET_COOKIE)
        .and_then(|cookie| state.cabinet_client(cookie.value()).cloned());
    drop(state);

    match page {
        Some(client) => {
            let page = CabinetPage::new(
                client.id,
                &client.name,
                client.balance_cents,
                &client.cabinet,
            );
            html(StatusCode::OK, &page, &ancestors)
        }
        None => {
            let page = message(
                "Session ended",
                "Your cabinet session has ended.",
                "Please reload the portal page to open the cabinet again.",
            );
            html(StatusCode::UNAUTHORIZED, &page, &ancestors)
        }
    }
}

fn message<'a>(title: &'a str, text: &'a str, hint: &'a str) -> MessagePage<'a> {
    MessagePage {
        title,
        message: text,
        hint,
    }
}

fn is_allowed(allowed: &[String], found: &str) -> bool {
    allowed
        .iter()
        .any(|origin| origin == "*" || origin == found)
}

/// The `frame-ancestors` source list for the allowed origins.
fn frame_ancestors(allowed: &[String]) -> String {
    if allowed.iter().any(|origin| origin == "*") {
        "*".to_owned()
    } else if allowed.is_empty() {
        "'none'".to_owned()
    } else {
        allowed.join(" ")
    }
}

/// Renders a page with the cabinet's security headers; a render failure is a plain 500.
fn html(status: StatusCode, page: &impl Template, ancestors: &str) -> HttpResponse {
    match page.render() {
        Ok(body) => {
            let mut response = HttpResponse::build(status);
            response.content_type(ContentType::html());
            secure(&mut response, ancestors);
            response.body(body)
        }
        Err(error) => {
            tracing::error!(%error, "sandbox: page could not be rendered");
            HttpResponse::InternalServerError()
                .content_type(ContentType::plaintext())
                .body("The page could not be rendered.")
        }
    }
}

fn secure(response: &mut actix_web::HttpResponseBuilder, ancestors: &str) {
    let policy = format!("default-src 'self'; frame-ancestors {ancestors}");
    response
        .insert_header((header::CONTENT_SECURITY_POLICY, policy))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::CACHE_CONTROL, "no-store"));
}
