//! Counting the portal's own requests by route pattern, method and status class.

use std::collections::BTreeMap;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{Error, web};

use crate::metrics::Histogram;

/// The label of requests that matched no route, whatever their path.
const UNMATCHED: &str = "unmatched";

/// Which requests a series counts.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct RequestLabels {
    /// The route pattern, e.g. `/pa/redirect-to-pp`, or `unmatched`.
    pub route: String,
    /// The HTTP method, or `other` for a method outside the standard ones.
    pub method: &'static str,
    /// `2xx`, `3xx`, `4xx` or `5xx` (`1xx` in theory).
    pub status: &'static str,
}

/// Request counts and latency per [`RequestLabels`], shared by all workers.
///
/// One short mutex guards the map; it is held only to add an observation.
#[derive(Debug, Default)]
pub struct RequestMetrics {
    series: Mutex<BTreeMap<RequestLabels, Histogram>>,
}

impl RequestMetrics {
    /// Records one answered request.
    pub fn observe(
        &self,
        route: Option<&str>,
        method: &Method,
        status: StatusCode,
        took: Duration,
    ) {
        let labels = RequestLabels {
            route: route.unwrap_or(UNMATCHED).to_string(),
            method: method_label(method),
            status: status_class(status),
        };
        let mut series = self.series.lock().unwrap_or_else(PoisonError::into_inner);
        series.entry(labels).or_default().observe(took);
    }

    /// A copy of every series so far.
    pub fn series(&self) -> BTreeMap<RequestLabels, Histogram> {
        self.series
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

/// Middleware that records every request in the app's [`RequestMetrics`].
pub async fn record_requests(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let metrics = req.app_data::<web::Data<RequestMetrics>>().cloned();
    let method = req.method().clone();
    let started = Instant::now();

    let result = next.call(req).await;

    if let Some(metrics) = metrics {
        let took = started.elapsed();
        match &result {
            Ok(response) => {
                let route = response.request().match_pattern();
                metrics.observe(route.as_deref(), &method, response.status(), took);
            }
            Err(error) => {
                let status = error.as_response_error().status_code();
                metrics.observe(None, &method, status, took);
            }
        }
    }
    result
}

/// Keeps odd methods from growing the number of series.
fn method_label(method: &Method) -> &'static str {
    match method.as_str() {
        "GET" => "GET",
        "HEAD" => "HEAD",
        "POST" => "POST",
        "PUT" => "PUT",
        "DELETE" => "DELETE",
        "PATCH" => "PATCH",
        "OPTIONS" => "OPTIONS",
        _ => "other",
    }
}

fn status_class(status: StatusCode) -> &'static str {
    match status.as_u16() {
        100..=199 => "1xx",
        200..=299 => "2xx",
        300..=399 => "3xx",
        400..=499 => "4xx",
        _ => "5xx",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_grouped_by_route_method_and_status_class() {
        let metrics = RequestMetrics::default();
        let ms = Duration::from_millis(1);

        metrics.observe(
            Some("/pa/redirect-to-pp"),
            &Method::GET,
            StatusCode::FOUND,
            ms,
        );
        metrics.observe(
            Some("/pa/redirect-to-pp"),
            &Method::GET,
            StatusCode::FOUND,
            ms,
        );
        metrics.observe(
            None,
            &Method::from_bytes(b"BREW").unwrap(),
            StatusCode::NOT_FOUND,
            ms,
        );

        let series = metrics.series();
        let redirect = RequestLabels {
            route: "/pa/redirect-to-pp".into(),
            method: "GET",
            status: "3xx",
        };
        let odd = RequestLabels {
            route: "unmatched".into(),
            method: "other",
            status: "4xx",
        };
        assert_eq!(series[&redirect].count(), 2);
        assert_eq!(series[&odd].count(), 1);
    }
}
