//! `GET /health`: the process is up and serving.

use actix_web::{HttpResponse, web};

/// Registers the health route.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/health", web::get().to(health));
}

async fn health() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({"status": "up"}))
}
