//! `GET /pa/redirect-to-pp`: the route the cabinet frame loads. It gets a
//! one-time token for the signed-in customer and redirects the frame to
//! the PricePlan cabinet with it.

use std::time::Instant;

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use sqlx::SqlitePool;

use crate::accounts::{PortalSession, store};
use crate::cabinet::frame::FrameMessage;
use crate::priceplan::PricePlanClient;

/// Redirects the frame to the cabinet's `/auth-key/TOKEN/` URL.
///
/// The ids come from the signed-in account, never from the request. The
/// token is minted for this request alone and appears only in `Location`.
pub async fn to_priceplan(
    session: PortalSession,
    db: web::Data<SqlitePool>,
    priceplan: web::Data<PricePlanClient>,
) -> HttpResponse {
    let Some(user_id) = session.user_id() else {
        return FrameMessage::SignedOut.response();
    };
    tracing::Span::current().record("user_id", user_id);
    let user = match store::find(&db, user_id).await {
        Ok(Some(user)) => user,
        Ok(None) => return FrameMessage::SignedOut.response(),
        Err(error) => {
            tracing::error!(%error, "could not read the account");
            return FrameMessage::PricePlanFailed.response();
        }
    };
    let Some(customer) = user.customer_ids() else {
        return FrameMessage::NotLinked.response();
    };

    let started = Instant::now();
    match priceplan.one_time_token(customer).await {
        Ok(token) => HttpResponse::Found()
            .insert_header((header::LOCATION, token.sign_in_url(priceplan.cabinet_url())))
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .insert_header((header::REFERRER_POLICY, "strict-origin-when-cross-origin"))
            .finish(),
        Err(error) => {
            let elapsed_ms = started.elapsed().as_millis() as u64;
            // A refusal remembered from moments ago was logged when it happened.
            if !error.is_repeated_refusal() {
                tracing::warn!(
                    call = error.call(),
                    kind = error.kind(),
                    codes = error.codes(),
                    elapsed_ms,
                    "cabinet redirect failed: {error}"
                );
            }
            FrameMessage::for_error(&error).response()
        }
    }
}
