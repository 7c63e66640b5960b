//! Chromium and chromedriver for the browser tests: finding them, starting
//! chromedriver on a free loopback port, and leaving no process behind.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Once;
use std::time::{Duration, Instant};

use serde_json::{Map, Value, json};

/// How to install what the browser tests need, on Debian and Ubuntu.
const INSTALL: &str = "apt-get install chromium chromium-driver";

/// Where the browser and its driver are installed.
pub struct Installation {
    pub chromium: PathBuf,
    pub chromedriver: PathBuf,
}

impl Installation {
    /// The installed browser, or `None` after saying once that the browser
    /// tests are skipped. When `CI` is set, a missing browser fails the test.
    pub fn or_skip() -> Option<Self> {
        static SKIPPED: Once = Once::new();

        let found = Self::find();
        if found.is_none() {
            if std::env::var_os("CI").is_some() {
                panic!("CI is set but Chromium or chromedriver is missing: {INSTALL}");
            }
            SKIPPED.call_once(|| {
                // Written past the test harness's capture, so that it shows.
                let _ = writeln!(
                    std::io::stderr(),
                    "browser tests skipped: Chromium or chromedriver not found \
                     (install them with `{INSTALL}`)"
                );
            });
        }
        found
    }

    /// Looks on `PATH`; `CHROMIUM` and `CHROMEDRIVER`, when set, name the
    /// only file to use instead.
    fn find() -> Option<Self> {
        // Debian's `/usr/bin/chromium` is a launcher script that adds flags
        // and API keys of its own; the binary behind it takes only ours.
        let debian = PathBuf::from("/usr/lib/chromium/chromium");
        let chromium = match std::env::var_os("CHROMIUM") {
            Some(path) => PathBuf::from(path),
            None if debian.is_file() => debian,
            None => on_path(&["chromium", "chromium-browser", "google-chrome"])?,
        };
        let chromedriver = match std::env::var_os("CHROMEDRIVER") {
            Some(path) => PathBuf::from(path),
            None => on_path(&["chromedriver"])?,
        };
        let found = chromium.is_file() && chromedriver.is_file();
        found.then_some(Self {
            chromium,
            chromedriver,
        })
    }
}

fn on_path(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| names.iter().map(move |name| dir.join(name)))
        .find(|candidate| candidate.is_file())
}

/// A chromedriver process on a loopback port, killed with everything it
/// started when dropped.
pub struct Chromedriver {
    child: Child,
    port: u16,
}

impl Chromedriver {
    /// Starts chromedriver in a process group of its own and waits until it
    /// is ready for sessions.
    pub fn start(path: &Path) -> Self {
        let port = free_port();
        let child = Command::new(path)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", path.display()));
        let mut driver = Self { child, port };
        driver.wait_until_ready();
        driver
    }

    /// The URL that WebDriver clients talk to.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Sends one WebDriver command and returns the answer's `value`.
    ///
    /// A blocking call on a fresh connection, so that `Drop` code can use it
    /// too, where no async runtime can.
    pub fn call(&self, method: &str, path: &str, body: &str) -> std::io::Result<Value> {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port))?;
        stream.set_read_timeout(Some(Duration::from_secs(20)))?;
        write!(
            stream,
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\n\
             Connection: close\r\n\r\n{body}",
            self.port,
            body.len()
        )?;
        read_json_answer(&mut stream)
    }

    fn wait_until_ready(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let ready = self.call("GET", "/status", "").ok();
            if ready.is_some_and(|value| value["ready"] == Value::Bool(true)) {
                return;
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("chromedriver exited at start-up ({status})");
            }
            assert!(
                Instant::now() < deadline,
                "chromedriver was not ready within 15 s"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Chromedriver {
    fn drop(&mut self) {
        // Chromium stays in chromedriver's process group: end them together.
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill")
            .args(["-KILL", "--", &group])
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Reads one HTTP answer and returns the `value` of its JSON body.
///
/// chromedriver keeps the connection open, so the body ends where its
/// `Content-Length` says.
fn read_json_answer(stream: &mut TcpStream) -> std::io::Result<Value> {
    let mut answer = Vec::new();
    let mut chunk = [0u8; 16 * 1024];
    let body_start = loop {
        let read = stream.read(&mut chunk)?;
        if read == 0 {
            return Err(std::io::Error::other("the answer ended in its headers"));
        }
        answer.extend_from_slice(&chunk[..read]);
        if let Some(end) = answer.windows(4).position(|w| w == b"\r\n\r\n") {
            break end + 4;
        }
    };
    let headers = String::from_utf8_lossy(&answer[..body_start]).to_ascii_lowercase();
    let length = headers
        .lines()
        .find_map(|line| line.strip_prefix("content-length:"))
        .and_then(|value| value.trim().parse::<usize>().ok())
        .ok_or_else(|| std::io::Error::other("an answer without Content-Length"))?;

    let mut body = answer.split_off(body_start);
    if body.len() < length {
        let mut rest = vec![0u8; length - body.len()];
        stream.read_exact(&mut rest)?;
        body.extend_from_slice(&rest);
    }
    let json: Value = serde_json::from_slice(&body)?;
    Ok(json.get("value").cloned().unwrap_or(Value::Null))
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .expect("a free loopback port")
}

/// A headless Chromium that talks to nothing but the servers the test starts.
pub fn capabilities(installation: &Installation, profile: &Path) -> Map<String, Value> {
    let args = [
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-default-apps",
        "--disable-crash-reporter",
        "--disable-breakpad",
        "--disable-dev-shm-usage",
        "--window-size=1280,1000",
    ]
    .into_iter()
    .map(String::from)
    .chain([format!("--user-data-dir={}", profile.display())])
    .collect::<Vec<_>>();
    let capabilities = json!({
        "browserName": "chrome",
        "goog:chromeOptions": {
            "binary": installation.chromium,
            "args": args,
            "prefs": {
                "credentials_enable_service": false,
                "profile.password_manager_enabled": false
            }
        },
        "goog:loggingPrefs": { "browser": "ALL" },
        "timeouts": { "pageLoad": 20000, "script": 10000, "implicit": 0 }
    });
    match capabilities {
        Value::Object(map) => map,
        _ => unreachable!("capabilities are an object"),
    }
}
