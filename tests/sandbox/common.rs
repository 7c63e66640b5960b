//! Starting a sandbox on a random loopback port and talking to it like a client would.

use std::net::TcpListener;

use actix_web::cookie::Cookie;
use actix_web::http::StatusCode;
use actix_web::http::header::{HeaderMap, SET_COOKIE};
use priceplan_portal::sandbox::{
    DEMO_MANAGER_LOGIN, DEMO_MANAGER_PASSWORD, Sandbox, SandboxSettings,
};
use serde_json::{Value, json};

/// The portal origin the test sandboxes allow.
pub const PORTAL: &str = "http://127.0.0.1:8080";

/// An answer read whole: status, headers and body.
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The cookie of this name set by the answer, if any.
    pub fn cookie(&self, name: &str) -> Option<Cookie<'static>> {
        self.headers
            .get_all(SET_COOKIE)
            .filter_map(|v| v.to_str().ok())
            .filter_map(|v| Cookie::parse(v.to_owned()).ok())
            .find(|c| c.name() == name)
    }

    /// The first error code of an errors envelope.
    pub fn error_code(&self) -> Option<i64> {
        self.json()["errors"][0]["code"].as_i64()
    }
}

/// A sandbox serving on loopback, with a client that does not follow redirects.
pub struct TestSandbox {
    pub sandbox: Sandbox,
    pub base: String,
    client: awc::Client,
}

/// Starts a demo sandbox that allows [`PORTAL`].
pub fn spawn() -> TestSandbox {
    spawn_with(SandboxSettings::demo(PORTAL))
}

pub fn spawn_with(settings: SandboxSettings) -> TestSandbox {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
    let port = listener.local_addr().expect("local address").port();
    let sandbox = Sandbox::new(settings);
    let server = sandbox.serve(listener).expect("start the sandbox");
    actix_web::rt::spawn(server);
    TestSandbox {
        sandbox,
        base: format!("http://127.0.0.1:{port}"),
        client: awc::Client::builder().disable_redirects().finish(),
    }
}

impl TestSandbox {
    /// Sends a request; `cookie` is a `name=value` pair, `body` JSON (POST) or none (GET).
    pub async fn call(
        &self,
        path: &str,
        cookie: Option<&str>,
        referer: Option<&str>,
        body: Option<&Value>,
    ) -> Answer {
        let url = format!("{}{path}", self.base);
        let mut request = match body {
            Some(_) => self.client.post(url),
            None => self.client.get(url),
        };
        if let Some(cookie) = cookie {
            request = request.insert_header(("Cookie", cookie.to_owned()));
        }
        if let Some(referer) = referer {
            request = request.insert_header(("Referer", referer.to_owned()));
        }
        let sent = match body {
            Some(body) => request.send_json(body).await,
            None => request.send().await,
        };
        let mut response = sent.expect("the sandbox answers");
        let bytes = response.body().await.expect("a readable body");
        Answer {
            status: response.status(),
            headers: response.headers().clone(),
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    /// Posts a body that is declared JSON but may not be.
    pub async fn post_raw(&self, path: &str, body: &'static str) -> Answer {
        let url = format!("{}{path}", self.base);
        let request = self.client.post(url).content_type("application/json");
        let mut response = request.send_body(body).await.expect("the sandbox answers");
        let bytes = response.body().await.expect("a readable body");
        Answer {
            status: response.status(),
            headers: response.headers().clone(),
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    pub async fn get(&self, path: &str, cookie: Option<&str>) -> Answer {
        self.call(path, cookie, None, None).await
    }

    pub async fn post(&self, path: &str, cookie: Option<&str>, body: &Value) -> Answer {
        self.call(path, cookie, None, Some(body)).await
    }

    /// Signs the demo Manager in; returns the `sessionid=...` cookie pair.
    pub async fn login(&self) -> String {
        let body = json!({"user": DEMO_MANAGER_LOGIN, "password": DEMO_MANAGER_PASSWORD});
        let answer = self.post("/api/login", None, &body).await;
        let cookie = answer.cookie("sessionid").expect("a session cookie");
        format!("sessionid={}", cookie.value())
    }

    /// A fresh one-time token for the user, through a new login.
    pub async fn reset_token(&self, user_id: i64) -> String {
        let session = self.login().await;
        let path = format!("/api/users/{user_id}/reset_token/");
        let answer = self.get(&path, Some(&session)).await;
        let token = answer.json()["data"]["token"].as_str().map(str::to_owned);
        token.expect("a token in data.token")
    }

    /// Follows a sign-in link as the framed browser would, with the given `Referer`.
    pub async fn open_link(&self, token: &str, referer: Option<&str>) -> Answer {
        let path = format!("/auth-key/{token}/");
        self.call(&path, None, referer, None).await
    }

    /// Opens the cabinet with the `lk_session` cookie set by a sign-in answer.
    pub async fn cabinet_after(&self, sign_in: &Answer) -> Answer {
        let cookie = sign_in.cookie("lk_session").expect("an lk_session cookie");
        let pair = format!("lk_session={}", cookie.value());
        self.get("/cabinet/", Some(&pair)).await
    }
}
