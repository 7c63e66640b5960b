//! `GET /metrics`: counters and latency histograms in the Prometheus text
//! format, for the portal's own requests and its calls to PricePlan.
//!
//! Requests are labelled with the route pattern (e.g. `/pa/redirect-to-pp`),
//! never the raw path, which can carry tokens; unmatched paths share one label.

mod access;
mod histogram;
mod requests;
mod text;

pub use access::MetricsAccess;
pub use histogram::Histogram;
pub use requests::{RequestMetrics, record_requests};

use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, web};

use crate::pages::{self, PageError};
use crate::priceplan::PricePlanClient;

/// The content type of the Prometheus text exposition format.
const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// Registers `GET /metrics`.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/metrics", web::get().to(metrics));
}

async fn metrics(
    req: HttpRequest,
    access: web::Data<MetricsAccess>,
    requests: web::Data<RequestMetrics>,
    priceplan: web::Data<PricePlanClient>,
) -> Result<HttpResponse, PageError> {
    let authorization = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok());
    if !access.allows(authorization, req.peer_addr()) {
        return pages::not_found().await;
    }

    let body = text::render(&requests, priceplan.stats());
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE)))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(body))
}
