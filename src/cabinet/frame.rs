//! Short pages shown inside the cabinet frame instead of the cabinet.

use actix_web::HttpResponse;
use actix_web::http::{StatusCode, header};
use askama::Template;

use crate::priceplan::{ApiErrorCode, PricePlanError};

/// Why the frame shows a message instead of the cabinet.
#[derive(Clone, Copy, Debug)]
pub enum FrameMessage {
    /// The portal session ended (signed out elsewhere, or expired).
    SignedOut,
    /// The account has no PricePlan ids yet.
    NotLinked,
    /// PricePlan did not answer in time.
    PricePlanSlow,
    /// PricePlan failed or answered something unusable.
    PricePlanFailed,
    /// PricePlan does not know the ids the account is linked to.
    LinkBroken,
    /// The account opened the cabinet too often in the last minute.
    TooOften,
}

#[derive(Template)]
#[template(path = "frame_message.html")]
struct FrameMessagePage {
    title: &'static str,
    advice: &'static str,
}

impl FrameMessage {
    /// The message for a failed PricePlan call: waiting helps with a slow
    /// or failing PricePlan, not with ids it does not know.
    pub fn for_error(error: &PricePlanError) -> Self {
        match error {
            PricePlanError::Timeout { .. } => Self::PricePlanSlow,
            PricePlanError::Api { codes, .. } if codes.contains(&ApiErrorCode::ObjectNotFound) => {
                Self::LinkBroken
            }
            _ => Self::PricePlanFailed,
        }
    }

    fn status(self) -> StatusCode {
        match self {
            Self::SignedOut => StatusCode::UNAUTHORIZED,
            Self::NotLinked => StatusCode::CONFLICT,
            Self::PricePlanSlow => StatusCode::GATEWAY_TIMEOUT,
            Self::PricePlanFailed | Self::LinkBroken => StatusCode::BAD_GATEWAY,
            Self::TooOften => StatusCode::TOO_MANY_REQUESTS,
        }
    }

    fn page(self) -> FrameMessagePage {
        let (title, advice) = match self {
            Self::SignedOut => (
                "Your session has ended",
                "Sign in to the portal again to see your cabinet.",
            ),
            Self::NotLinked => (
                "Your account is not linked to billing yet",
                "Contact support to have your billing account linked.",
            ),
            Self::PricePlanSlow => (
                "The billing cabinet is taking too long to answer",
                "Reload this page in a minute. If it keeps happening, contact support.",
            ),
            Self::PricePlanFailed => (
                "The billing cabinet is not available right now",
                "Reload this page in a minute. If it keeps happening, contact support.",
            ),
            Self::TooOften => (
                "The billing cabinet was opened many times in a short while",
                "Wait a minute, then reload this page.",
            ),
            Self::LinkBroken => (
                "Your billing account could not be found",
                "Contact support: the link between your account and billing needs a look.",
            ),
        };
        FrameMessagePage { title, advice }
    }

    /// The response: a small page that our own cabinet page may frame.
    pub fn response(self) -> HttpResponse {
        let html = self
            .page()
            .render()
            .unwrap_or_else(|_| "The billing cabinet is not available.".to_string());
        HttpResponse::build(self.status())
            .content_type("text/html; charset=utf-8")
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .insert_header((header::X_FRAME_OPTIONS, "SAMEORIGIN"))
            .insert_header((
                header::CONTENT_SECURITY_POLICY,
                "default-src 'self'; frame-ancestors 'self'; form-action 'self'; \
                 base-uri 'none'; object-src 'none'",
            ))
            .body(html)
    }
}
