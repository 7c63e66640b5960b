//! Client, user and login-key calls of the API.

use actix_web::{HttpResponse, web};
use serde_json::{Map, Value, json};
use time::OffsetDateTime;
use time::macros::format_description;

use super::{parse_id, session::ManagerSession};
use crate::sandbox::Sandbox;
use crate::sandbox::envelope::{ApiError, success};
use crate::sandbox::state::{Client, OneTimeToken};

type Answer = Result<HttpResponse, ApiError>;

/// `GET /api/users/USER_ID/reset_token/`
pub(super) async fn reset_token(
    _: ManagerSession,
    sandbox: web::Data<Sandbox>,
    user_id: web::Path<String>,
) -> Answer {
    let mut state = sandbox.state();
    state.stats.reset_token_calls += 1;
    let user_id = parse_id(&user_id, "user id")?;

    let client_id = state
        .client_of_user(user_id)
        .ok_or(ApiError::NotFound("user"))?;
    let (token, _) = state.issue_token(client_id, sandbox.inner.token_lifetime);
    Ok(success(json!({"token": token})))
}

/// `GET /api/clients/CLIENT_ID/auth-key/`
pub(super) async fn read_auth_key(
    _: ManagerSession,
    sandbox: web::Data<Sandbox>,
    client_id: web::Path<String>,
) -> Answer {
    let mut state = sandbox.state();
    state.stats.auth_key_reads += 1;
    let client_id = parse_id(&client_id, "client id")?;
    state
        .client(client_id)
        .ok_or(ApiError::NotFound("client"))?;

    let data = match state.current_auth_key(client_id) {
        Some((key, token)) => key_json(&key, &token),
        None => json!({"key": null, "expire_date": null, "link": null}),
    };
    Ok(success(data))
}

/// `POST /api/clients/CLIENT_ID/auth-key/`
pub(super) async fn issue_auth_key(
    _: ManagerSession,
    sandbox: web::Data<Sandbox>,
    client_id: web::Path<String>,
) -> Answer {
    let mut state = sandbox.state();
    state.stats.auth_key_issues += 1;
    let client_id = parse_id(&client_id, "client id")?;
    state
        .client(client_id)
        .ok_or(ApiError::NotFound("client"))?;

    let (key, token) = state.issue_auth_key(client_id, sandbox.inner.token_lifetime);
    Ok(success(key_json(&key, &token)))
}

/// `POST /api/clients/` with `{"name", "type", "values"}`
pub(super) async fn create_client(
    _: ManagerSession,
    sandbox: web::Data<Sandbox>,
    body: web::Bytes,
) -> Answer {
    let body: Value = serde_json::from_slice(&body)
        .map_err(|_| ApiError::BadRequest("body must be a JSON object".into()))?;
    let name = match body.get("name") {
        None | Some(Value::Null) => return Err(ApiError::Missing("name")),
        Some(Value::String(name)) if name.trim().is_empty() => {
            return Err(ApiError::Empty("name"));
        }
        Some(Value::String(name)) => name.trim().to_owned(),
        Some(_) => return Err(ApiError::Invalid("name must be a string".into())),
    };
    let kind = match body.get("type") {
        None | Some(Value::Null) => return Err(ApiError::Missing("type")),
        Some(kind) if kind == 1 => 1,
        Some(kind) if kind == 2 => 2,
        Some(_) => return Err(ApiError::Invalid("type must be 1 or 2".into())),
    };
    let values = match body.get("values") {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(values)) => values.clone(),
        Some(_) => return Err(ApiError::Invalid("values must be an object".into())),
    };

    let mut state = sandbox.state();
    let client = state.add_client(&name, kind, values);
    tracing::info!(client_id = client.id, "sandbox: client created");
    Ok(success(client_json(client)))
}

/// `GET /api/clients/CLIENT_ID` (with or without the trailing slash)
pub(super) async fn read_client(
    _: ManagerSession,
    sandbox: web::Data<Sandbox>,
    client_id: web::Path<String>,
) -> Answer {
    let client_id = parse_id(&client_id, "client id")?;

    let state = sandbox.state();
    let client = state
        .client(client_id)
        .ok_or(ApiError::NotFound("client"))?;
    Ok(success(client_json(client)))
}

fn client_json(client: &Client) -> Value {
    json!({
        "id": client.id,
        "name": client.name,
        "type": client.kind,
        "balance": client.balance_cents as f64 / 100.0,
        "user_id": client.user_id,
        "values": client.values,
    })
}

fn key_json(key: &str, token: &OneTimeToken) -> Value {
    json!({
        "key": key,
        "expire_date": expire_date(token.expire_date),
        "link": format!("/auth-key/{key}/"),
    })
}

/// Formats like PricePlan: `2021-06-04 05:17:50.606808+00:00`.
fn expire_date(moment: OffsetDateTime) -> Option<String> {
    let format = format_description!(
        "[year]-[month]-[day] [hour]:[minute]:[second].[subsecond digits:6]\
         [offset_hour sign:mandatory]:[offset_minute]"
    );
    moment.format(&format).ok()
}
