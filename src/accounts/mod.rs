//! The portal's own accounts: stored users, passwords, and the sign-in,
//! sign-up and sign-out pages.

pub mod forms;
pub mod password;
mod session;
pub mod session_cache;
mod session_store;
mod sign_in;
mod sign_out;
mod sign_up;
pub mod store;
pub mod throttle;

use actix_web::{HttpResponse, web};

pub use session::{PortalSession, SessionPolicy, SignInRequired, SignedIn};
pub use session_store::SqliteSessionStore;
pub use throttle::{ClientAddress, SignInThrottle};

/// Where signed-in visitors land: the cabinet page.
#[derive(Clone, Debug)]
pub struct HomePath(pub String);

/// Registers the account routes.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(home))
        .route("/sign-in", web::get().to(sign_in::form))
        .route("/sign-in", web::post().to(sign_in::submit))
        .route("/sign-up", web::get().to(sign_up::form))
        .route("/sign-up", web::post().to(sign_up::submit))
        .route("/sign-out", web::post().to(sign_out::submit));
}

/// The site root: the cabinet for a signed-in visitor, else the sign-in page.
async fn home(session: PortalSession, home: web::Data<HomePath>) -> HttpResponse {
    match session.user_id() {
        Some(_) => sign_in::see_other(&home.0),
        None => sign_in::see_other("/sign-in"),
    }
}
