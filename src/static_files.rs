//! The portal's static files, built into the binary so that it runs from
//! any working directory.

use actix_web::http::header;
use actix_web::{HttpResponse, web};

const CSS: &str = "text/css; charset=utf-8";
const JS: &str = "text/javascript; charset=utf-8";
const SVG: &str = "image/svg+xml";

/// Path under `/static/`, content type and content of each file.
const FILES: &[(&str, &str, &[u8])] = &[
    ("portal.css", CSS, include_bytes!("../static/portal.css")),
    ("cabinet.js", JS, include_bytes!("../static/cabinet.js")),
    ("favicon.svg", SVG, include_bytes!("../static/favicon.svg")),
    (
        "vendor/iframe-resizer/iframeResizer.min.js",
        JS,
        include_bytes!("../static/vendor/iframe-resizer/iframeResizer.min.js"),
    ),
    (
        "vendor/iframe-resizer/iframeResizer.contentWindow.min.js",
        JS,
        include_bytes!("../static/vendor/iframe-resizer/iframeResizer.contentWindow.min.js"),
    ),
];

/// Registers `GET /static/...`.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/static/{path:.*}", web::get().to(serve));
}

async fn serve(path: web::Path<String>) -> HttpResponse {
    match FILES.iter().find(|(name, _, _)| *name == path.as_str()) {
        Some((_, content_type, body)) => HttpResponse::Ok()
            .insert_header((header::CONTENT_TYPE, *content_type))
            .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
            .body(*body),
        None => HttpResponse::NotFound()
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .body("Not found"),
    }
}
