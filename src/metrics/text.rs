//! Writing the metrics in the Prometheus text exposition format (0.0.4).

use std::fmt::Write;

use crate::metrics::{Histogram, RequestMetrics};
use crate::priceplan::CallStats;

/// The whole `/metrics` page.
pub fn render(requests: &RequestMetrics, priceplan: &CallStats) -> String {
    let mut out = String::new();
    let requests = requests.series();
    let calls = priceplan.per_call();

    header(
        &mut out,
        "portal_http_requests_total",
        "counter",
        "HTTP requests answered, by route pattern, method and status class.",
    );
    for (labels, histogram) in &requests {
        let labels = request_labels(&labels.route, labels.method, labels.status);
        sample(
            &mut out,
            "portal_http_requests_total",
            &labels,
            histogram.count(),
        );
    }
    header(
        &mut out,
        "portal_http_request_duration_seconds",
        "histogram",
        "Time to answer HTTP requests, by route pattern, method and status class.",
    );
    for (labels, histogram) in &requests {
        let labels = request_labels(&labels.route, labels.method, labels.status);
        buckets(
            &mut out,
            "portal_http_request_duration_seconds",
            &labels,
            histogram,
        );
    }

    header(
        &mut out,
        "portal_priceplan_calls_total",
        "counter",
        "Calls to the PricePlan API, sign-ins included, by call.",
    );
    for (call, figures) in &calls {
        let labels = format!("call=\"{}\"", escape(call));
        sample(
            &mut out,
            "portal_priceplan_calls_total",
            &labels,
            figures.calls,
        );
    }
    header(
        &mut out,
        "portal_priceplan_call_failures_total",
        "counter",
        "PricePlan calls that gave no usable answer, by call and kind of failure.",
    );
    for (call, figures) in &calls {
        for (kind, count) in &figures.failures {
            let labels = format!("call=\"{}\",kind=\"{}\"", escape(call), escape(kind));
            sample(
                &mut out,
                "portal_priceplan_call_failures_total",
                &labels,
                *count,
            );
        }
    }
    header(
        &mut out,
        "portal_priceplan_call_duration_seconds",
        "histogram",
        "Time PricePlan calls took, answer read included, by call.",
    );
    for (call, figures) in &calls {
        let labels = format!("call=\"{}\"", escape(call));
        buckets(
            &mut out,
            "portal_priceplan_call_duration_seconds",
            &labels,
            &figures.latency,
        );
    }
    header(
        &mut out,
        "portal_priceplan_sign_ins_total",
        "counter",
        "Manager sign-in attempts.",
    );
    sample(
        &mut out,
        "portal_priceplan_sign_ins_total",
        "",
        priceplan.sign_ins(),
    );
    out
}

fn header(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}");
    let _ = writeln!(out, "# TYPE {name} {kind}");
}

fn sample(out: &mut String, name: &str, labels: &str, value: impl std::fmt::Display) {
    if labels.is_empty() {
        let _ = writeln!(out, "{name} {value}");
    } else {
        let _ = writeln!(out, "{name}{{{labels}}} {value}");
    }
}

fn buckets(out: &mut String, name: &str, labels: &str, histogram: &Histogram) {
    for (bound, count) in histogram.cumulative() {
        let bucket_labels = format!("{labels},le=\"{bound}\"");
        sample(out, &format!("{name}_bucket"), &bucket_labels, count);
    }
    sample(out, &format!("{name}_sum"), labels, histogram.sum_seconds());
    sample(out, &format!("{name}_count"), labels, histogram.count());
}

fn request_labels(route: &str, method: &str, status: &str) -> String {
    format!(
        "route=\"{}\",method=\"{}\",status=\"{}\"",
        escape(route),
        escape(method),
        escape(status)
    )
}

/// Escapes a label value as the format requires.
fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use actix_web::http::{Method, StatusCode};

    use super::*;

    #[test]
    fn every_sample_follows_its_type_line_and_labels_are_escaped() {
        let requests = RequestMetrics::default();
        let odd_route = "/a\"b\\c";
        requests.observe(
            Some(odd_route),
            &Method::GET,
            StatusCode::OK,
            Duration::ZERO,
        );
        let priceplan = CallStats::default();

        let text = render(&requests, &priceplan);

        assert!(text.contains("# TYPE portal_http_requests_total counter\n"));
        assert!(text.contains(
            "portal_http_requests_total{route=\"/a\\\"b\\\\c\",method=\"GET\",status=\"2xx\"} 1\n"
        ));
        assert!(text.contains("portal_priceplan_sign_ins_total 0\n"));
        assert!(text.ends_with('\n'));
    }
}
