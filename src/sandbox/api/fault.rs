//! Counts every API call and injects the current [`Fault`] into its answer.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::{Service, ServiceRequest, ServiceResponse};
use actix_web::http::header::ContentType;
use actix_web::{Error, HttpResponse, rt::time::sleep, web};

use crate::sandbox::{Fault, Sandbox};

type Answer = Pin<Box<dyn Future<Output = Result<ServiceResponse, Error>>>>;

/// Middleware of the `/api` scope (see `wrap_fn`).
pub(super) fn count_and_inject<S>(req: ServiceRequest, next: &S) -> Answer
where
    S: Service<ServiceRequest, Response = ServiceResponse, Error = Error>,
    S::Future: 'static,
{
    let fault = req.app_data::<web::Data<Sandbox>>().and_then(|sandbox| {
        let mut state = sandbox.state();
        state.stats.api_calls += 1;
        state.fault.clone()
    });

    match fault {
        None => Box::pin(next.call(req)),
        Some(Fault::Slow(delay)) => {
            let answer = next.call(req);
            Box::pin(async move {
                sleep(delay).await;
                answer.await
            })
        }
        Some(fault) => {
            let response = req.into_response(faulty_answer(&fault));
            Box::pin(async move { Ok(response) })
        }
    }
}

fn faulty_answer(fault: &Fault) -> HttpResponse {
    match fault {
        Fault::ServerError => HttpResponse::InternalServerError()
            .content_type(ContentType::plaintext())
            .body("Internal Server Error (sandbox fault)"),
        Fault::HtmlPage => HttpResponse::Ok().content_type(ContentType::html()).body(
            "<!doctype html><html><head><title>Maintenance</title></head>\
             <body><h1>We'll be back soon</h1></body></html>",
        ),
        Fault::Garbage => HttpResponse::Ok()
            .content_type(ContentType::json())
            .body("{\"success\": tru"),
        Fault::EmptyData => HttpResponse::Ok()
            .content_type(ContentType::json())
            .body("{\"success\":true,\"data\":{}}"),
        Fault::Slow(_) => HttpResponse::Ok().finish(),
    }
}
