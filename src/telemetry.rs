//! Logging: one line per request, naming the route pattern (never the
//! path, which may carry a token), the status, the time and the account.

use std::time::Instant;

use actix_web::Error;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use tracing::Instrument;
use tracing_subscriber::EnvFilter;

/// Sends log lines to standard output; `RUST_LOG` overrides the default level.
pub fn init() {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,actix_server=warn,actix_session=error"));
    // A second call (tests start many apps) keeps the first subscriber.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stdout()))
        .try_init();
}

/// Wraps each request in a span and logs its outcome.
pub async fn log_requests(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let span = tracing::info_span!(
        "request",
        method = %req.method(),
        user_id = tracing::field::Empty,
    );
    let started = Instant::now();
    let result = next.call(req).instrument(span.clone()).await;

    let elapsed_us = started.elapsed().as_micros() as u64;
    let _entered = span.enter();
    match &result {
        Ok(response) => {
            let route = response.request().match_pattern();
            tracing::info!(
                route = route.as_deref().unwrap_or("unmatched"),
                status = response.status().as_u16(),
                elapsed_us,
                "request"
            );
        }
        Err(error) => tracing::warn!(elapsed_us, "request failed: {error}"),
    }
    result
}
