//! A deadline for each request, body included. The server times out slow
//! request headers but not a body that never finishes; without a deadline,
//! a client could hold connections open for as long as it likes.

use std::time::Duration;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{Error, web};

/// How long a request may take from its headers to its answer.
#[derive(Clone, Copy, Debug)]
pub struct RequestDeadline(pub Duration);

/// Answers `408 Request Timeout` to a request that outlives the deadline.
pub async fn within_deadline(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let deadline = req
        .app_data::<web::Data<RequestDeadline>>()
        .map_or(Duration::from_secs(30), |deadline| deadline.0);
    match actix_web::rt::time::timeout(deadline, next.call(req)).await {
        Ok(answer) => answer,
        Err(_) => {
            tracing::info!("request dropped at its deadline");
            Err(actix_web::error::ErrorRequestTimeout(
                "The request took too long. Try again.",
            ))
        }
    }
}
