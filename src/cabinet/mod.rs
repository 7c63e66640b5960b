//! The cabinet page, which frames PricePlan's customer cabinet, and the
//! auth-redirect route that the frame loads.

mod frame;
mod limit;
mod page;
mod redirect;

use actix_web::web;

pub use limit::RedirectLimit;

/// What the cabinet routes need to know.
#[derive(Clone, Debug)]
pub struct CabinetSettings {
    /// Path prefix of the cabinet routes, e.g. `/pa`.
    pub prefix: String,
    /// Origin of the PricePlan cabinet as browsers reach it.
    pub cabinet_origin: String,
}

impl CabinetSettings {
    /// The path the iframe loads: the auth-redirect route.
    pub fn redirect_path(&self) -> String {
        format!("{}/redirect-to-pp", self.prefix)
    }
}

/// Registers the cabinet routes under the configured prefix.
pub fn routes(settings: &CabinetSettings) -> impl FnOnce(&mut web::ServiceConfig) + use<> {
    let prefix = settings.prefix.clone();
    move |cfg| {
        cfg.service(
            web::scope(&prefix)
                .route("", web::get().to(page::show))
                .route("/", web::get().to(page::show))
                .route("/redirect-to-pp", web::get().to(redirect::to_priceplan)),
        );
    }
}
