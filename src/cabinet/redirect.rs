//! `GET /pa/redirect-to-pp`: the route the cabinet frame loads. It gets a
//! one-time token for the signed-in customer and redirects the frame to
//! the PricePlan cabinet with it.

use std::time::Instant;

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use sqlx::SqlitePool;

use crate::accounts::{PortalSession, store};
use crate::cabinet::RedirectLimit;
use crate::cabinet::frame::FrameMessage;
use crate::priceplan::{CustomerIds, PricePlanClient};

/// Redirects the frame to the cabinet's `/auth-key/TOKEN/` URL.
///
/// The ids come from the signed-in account (kept in its session since
/// sign-in), never from the request. The token is minted for this request
/// alone and appears only in `Location`.
pub async fn to_priceplan(
    session: PortalSession,
    db: web::Data<SqlitePool>,
    priceplan: web::Data<PricePlanClient>,
    limit: web::Data<RedirectLimit>,
) -> HttpResponse {
    let Some(user_id) = session.user_id() else {
        return FrameMessage::SignedOut.response();
    };
    tracing::Span::current().record("user_id", user_id);
    if !limit.allow(user_id) {
        tracing::warn!("cabinet redirects over the per-minute limit");
        return FrameMessage::TooOften.response();
    }
    let customer = match session.customer_ids() {
        Some(customer) => customer,
        None => match linked_since_sign_in(&session, &db, user_id).await {
            Ok(customer) => customer,
            Err(message) => return message.response(),
        },
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

/// The account's ids from the database, for a session that signed in
/// before the account was linked; kept in the session from then on.
async fn linked_since_sign_in(
    session: &PortalSession,
    db: &SqlitePool,
    user_id: i64,
) -> Result<CustomerIds, FrameMessage> {
    let user = match store::find(db, user_id).await {
        Ok(Some(user)) => user,
        Ok(None) => return Err(FrameMessage::SignedOut),
        Err(error) => {
            tracing::error!(%error, "could not read the account");
            return Err(FrameMessage::PricePlanFailed);
        }
    };
    let customer = user.customer_ids().ok_or(FrameMessage::NotLinked)?;
    session.remember_customer_ids(customer);
    Ok(customer)
}
