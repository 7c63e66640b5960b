use std::process::ExitCode;

use priceplan_portal::{cli, telemetry};

#[actix_web::main]
async fn main() -> ExitCode {
    if let Err(error) = dotenvy::dotenv()
        && !error.not_found()
    {
        eprintln!("error: cannot read .env: {error}");
        return ExitCode::FAILURE;
    }
    telemetry::init();
    cli::run(std::env::args().skip(1).collect()).await
}
