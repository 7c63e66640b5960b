//! Static files the sandbox serves from bytes built into the binary.

use actix_web::http::header::{CACHE_CONTROL, CONTENT_TYPE, X_CONTENT_TYPE_OPTIONS};
use actix_web::{HttpResponse, web};

/// The child half of iframe-resizer 4.3.11 (MIT), vendored unchanged.
const IFRAME_RESIZER_CHILD: &str =
    include_str!("../../static/vendor/iframe-resizer/iframeResizer.contentWindow.min.js");
const CABINET_CSS: &str = include_str!("../../static/sandbox/sandbox.css");
const CABINET_JS: &str = include_str!("../../static/sandbox/cabinet.js");

const JAVASCRIPT: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";

pub(super) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/static/iframeResizer.contentWindow.min.js",
        web::get().to(|| async { asset(JAVASCRIPT, IFRAME_RESIZER_CHILD) }),
    )
    .route(
        "/static/sandbox.css",
        web::get().to(|| async { asset(CSS, CABINET_CSS) }),
    )
    .route(
        "/static/cabinet.js",
        web::get().to(|| async { asset(JAVASCRIPT, CABINET_JS) }),
    );
}

fn asset(content_type: &'static str, body: &'static str) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, content_type))
        .insert_header((CACHE_CONTROL, "public, max-age=3600"))
        .insert_header((X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .body(body)
}
