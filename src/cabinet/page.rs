//! `GET /pa`: the cabinet page with the framed PricePlan cabinet.

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use askama::Template;
use sqlx::SqlitePool;

use crate::accounts::{PortalSession, SignedIn, store};
use crate::cabinet::CabinetSettings;
use crate::pages::{PageError, render};
use crate::priceplan::CustomerIds;

#[derive(Template)]
#[template(path = "cabinet.html")]
struct CabinetPage<'a> {
    display_name: &'a str,
    email: &'a str,
    customer: Option<CustomerIds>,
    frame_src: &'a str,
    cabinet_origin: &'a str,
    csrf_token: &'a str,
}

/// Shows the account's PricePlan ids and the cabinet frame, or a notice
/// when the account is not linked to PricePlan (then no frame, no call).
pub async fn show(
    signed_in: SignedIn,
    session: PortalSession,
    db: web::Data<SqlitePool>,
    settings: web::Data<CabinetSettings>,
) -> Result<HttpResponse, PageError> {
    let user = store::find(&db, signed_in.user_id)
        .await
        .map_err(PageError::unexpected)?;
    let Some(user) = user else {
        session.sign_out();
        return Ok(HttpResponse::SeeOther()
            .insert_header((header::LOCATION, "/sign-in"))
            .finish());
    };

    let page = CabinetPage {
        display_name: &user.display_name,
        email: &user.email,
        customer: user.customer_ids(),
        frame_src: &settings.redirect_path(),
        cabinet_origin: &settings.cabinet_origin,
        csrf_token: &session.csrf_token(),
    };
    let mut response = render(&page)?;
    let policy = format!(
        "default-src 'self'; frame-src 'self' {}; frame-ancestors 'none'; \
         form-action 'self'; base-uri 'none'; object-src 'none'",
        settings.cabinet_origin
    );
    if let Ok(value) = header::HeaderValue::from_str(&policy) {
        response
            .headers_mut()
            .insert(header::CONTENT_SECURITY_POLICY, value);
    }
    Ok(response)
}
