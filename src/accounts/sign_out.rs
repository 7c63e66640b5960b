//! `POST /sign-out`.

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use crate::accounts::PortalSession;
use crate::accounts::sign_in::see_other;
use crate::pages::PageError;

#[derive(Deserialize)]
pub struct SignOutForm {
    /// Missing means refused like a wrong token: 403, not a form error.
    #[serde(default)]
    csrf_token: String,
}

/// Ends the portal session. The cabinet's own session, inside the frame,
/// lives on until PricePlan expires it: PricePlan offers no sign-out call.
pub async fn submit(
    session: PortalSession,
    form: web::Form<SignOutForm>,
) -> Result<HttpResponse, PageError> {
    if !session.csrf_matches(&form.csrf_token) {
        return Err(PageError::FormExpired);
    }
    if let Some(user_id) = session.user_id() {
        tracing::info!(user_id, "signed out");
    }
    session.sign_out();
    Ok(see_other("/sign-in"))
}
