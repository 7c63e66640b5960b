//! Rendering pages, and the one place where page errors become responses.

use actix_web::http::StatusCode;
use actix_web::http::header::ContentType;
use actix_web::{HttpResponse, ResponseError};
use askama::Template;

/// Renders a page template into a `200 OK` HTML response.
pub fn render(page: &impl Template) -> Result<HttpResponse, PageError> {
    render_with_status(page, StatusCode::OK)
}

/// Renders a page template into an HTML response with the given status.
pub fn render_with_status(
    page: &impl Template,
    status: StatusCode,
) -> Result<HttpResponse, PageError> {
    let html = page.render().map_err(PageError::unexpected)?;
    Ok(HttpResponse::build(status)
        .content_type(ContentType::html())
        .body(html))
}

/// A page request that failed. The cause goes to the log; the visitor sees
/// a short page that says what they can do.
#[derive(Debug)]
pub enum PageError {
    /// A form came without this session's form token (or the session expired).
    FormExpired,
    /// Too much work is waiting (password hashing, during a flood).
    Busy,
    /// Something broke inside the portal.
    Unexpected(Box<dyn std::error::Error + Send + Sync>),
}

impl PageError {
    /// Wraps any failure the visitor can do nothing about.
    pub fn unexpected(error: impl std::error::Error + Send + Sync + 'static) -> Self {
        Self::Unexpected(Box::new(error))
    }
}

impl std::fmt::Display for PageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::FormExpired => f.write_str("form token missing or wrong"),
            Self::Busy => f.write_str("too busy to hash a password now"),
            Self::Unexpected(error) => write!(f, "{}", cause_chain(error.as_ref())),
        }
    }
}

impl ResponseError for PageError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::FormExpired => StatusCode::FORBIDDEN,
            Self::Busy => StatusCode::SERVICE_UNAVAILABLE,
            Self::Unexpected(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let page = match self {
            Self::FormExpired => {
                tracing::warn!("form refused: {self}");
                ErrorPage {
                    title: "This form has expired",
                    message: "Go back, reload the page and send the form again.",
                }
            }
            Self::Busy => {
                tracing::warn!("{self}");
                ErrorPage {
                    title: "The portal is busy",
                    message: "Too many people are signing in right now. Try again in a moment.",
                }
            }
            Self::Unexpected(_) => {
                tracing::error!(error = %self, "request failed");
                ErrorPage {
                    title: "Something went wrong",
                    message: "The portal could not finish this request. Try again in a minute.",
                }
            }
        };
        let html = page
            .render()
            .unwrap_or_else(|_| "Something went wrong.".to_string());
        let mut response = HttpResponse::build(self.status_code());
        if let Self::Busy = self {
            response.insert_header((actix_web::http::header::RETRY_AFTER, "5"));
        }
        response.content_type(ContentType::html()).body(html)
    }
}

impl From<crate::accounts::password::PasswordError> for PageError {
    fn from(error: crate::accounts::password::PasswordError) -> Self {
        match error {
            crate::accounts::password::PasswordError::Busy => Self::Busy,
            failed => Self::unexpected(failed),
        }
    }
}

/// A short page for a failed request.
#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage<'a> {
    pub title: &'a str,
    pub message: &'a str,
}

/// An error with each of its causes, for the log.
pub fn cause_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// How forms are read: small bodies only, and a clear page when a form
/// cannot be read (wrong content type, missing fields, bad encoding).
pub fn form_config() -> actix_web::web::FormConfig {
    actix_web::web::FormConfig::default()
        .limit(16 * 1024)
        .error_handler(|error, _| {
            tracing::info!("form refused: {error}");
            match error {
                actix_web::error::UrlencodedError::Overflow { .. } => unreadable(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "This form is too large. Shorten what you typed and try again.",
                ),
                _ => bad_request("This form could not be read. Reload the page and try again."),
            }
        })
}

/// How query strings are read: a clear page when one cannot be read.
pub fn query_config() -> actix_web::web::QueryConfig {
    actix_web::web::QueryConfig::default().error_handler(|error, _| {
        tracing::info!("query refused: {error}");
        bad_request("This address could not be read. Check the link and try again.")
    })
}

fn bad_request(message: &'static str) -> actix_web::Error {
    unreadable(StatusCode::BAD_REQUEST, message)
}

fn unreadable(status: StatusCode, message: &'static str) -> actix_web::Error {
    let page = ErrorPage {
        title: "This request could not be read",
        message,
    };
    let html = page.render().unwrap_or_else(|_| message.to_string());
    let response = HttpResponse::build(status)
        .content_type(ContentType::html())
        .body(html);
    actix_web::error::InternalError::from_response(message, response).into()
}

/// The page for any path the portal does not serve.
pub async fn not_found() -> Result<HttpResponse, PageError> {
    let page = ErrorPage {
        title: "Page not found",
        message: "There is nothing at this address.",
    };
    render_with_status(&page, StatusCode::NOT_FOUND)
}
