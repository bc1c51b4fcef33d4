//! Browser tests: Debian's headless Chromium over WebDriver (chromedriver), driven from Rust with
//! fantoccini, against a server on a free port with a fresh database. The whole loop as people do
//! it, the portal in both languages, XSS payloads shown as text, one unit's liaison seeing nothing
//! of another's, and accessibility checks on every main page. Screenshots go to
//! `target/screenshots/`. Without chromedriver these tests say so and pass, except under
//! `CI=true`, where that is a failure (`.ci/run` installs it).

use app::testkit::{Kind, TestDb, World, password_of};
use chrono::NaiveDate;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use zhenggai_web as web;

/// A running chromedriver, killed when dropped.
struct Driver(Child, u16);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).unwrap()
}

/// Skips the test with a message, or fails it under `CI=true`, where a browser test that did not
/// run must not pass.
fn without_browser(why: &str) -> Option<Driver> {
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!(
            "{why}: the browser tests must run under CI=true (apt-get install chromium chromium-driver fonts-noto-cjk)"
        );
    }
    eprintln!("skipping the browser test: {why}");
    None
}

fn start_driver() -> Option<Driver> {
    let binary = ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists());
    let Some(binary) = binary else {
        return without_browser("chromedriver is not installed");
    };
    let port = free_port();
    let child =
        match Command::new(binary).arg(format!("--port={port}")).stdout(Stdio::null()).stderr(Stdio::null()).spawn() {
            Ok(child) => child,
            Err(e) => return without_browser(&format!("chromedriver did not start: {e}")),
        };
    // Dropped (and killed) unless it answers.
    let driver = Driver(child, port);
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Some(driver);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    without_browser("chromedriver started but did not answer within 5 s")
}

/// A browser on a fresh profile, and the server it talks to.
pub(crate) struct Browser {
    client: Client,
    base: String,
    _driver: Driver,
    profile: tempfile::TempDir,
}

pub(crate) fn screenshots_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/screenshots");
    let _ = std::fs::create_dir_all(&dir);
    dir
}

impl Browser {
    async fn open(addr: SocketAddr) -> Option<Self> {
        let driver = start_driver()?;
        let profile = tempfile::tempdir().unwrap();
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": "/usr/bin/chromium",
                "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                         "--disable-background-networking", "--disable-component-update", "--disable-sync",
                         "--window-size=1366,1000", "--lang=zh-CN",
                         format!("--user-data-dir={}", profile.path().display())]
            }),
        );
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let client = ClientBuilder::new(connector)
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{}", driver.1))
            .await
            .expect("a WebDriver session");
        Some(Self { client, base: format!("http://{addr}"), _driver: driver, profile })
    }

    pub(crate) async fn goto(&self, path: &str) {
        self.client.goto(&format!("{}{path}", self.base)).await.unwrap();
    }

    pub(crate) async fn path(&self) -> String {
        let url = self.client.current_url().await.unwrap();
        format!("{}{}", url.path(), url.query().map(|q| format!("?{q}")).unwrap_or_default())
    }

    pub(crate) async fn fill(&self, css: &str, value: &str) {
        let e = self.client.find(Locator::Css(css)).await.unwrap_or_else(|_| panic!("no {css}"));
        e.clear().await.ok();
        e.send_keys(value).await.unwrap();
    }

    pub(crate) async fn select(&self, css: &str, value: &str) {
        let e = self.client.find(Locator::Css(css)).await.unwrap_or_else(|_| panic!("no {css}"));
        e.select_by_value(value).await.unwrap_or_else(|_| panic!("no option {value} in {css}"));
    }

    pub(crate) async fn click(&self, css: &str) {
        self.client.find(Locator::Css(css)).await.unwrap_or_else(|_| panic!("no {css}")).click().await.unwrap();
    }

    /// Clicks a button that submits a form, and waits until the next page has loaded.
    pub(crate) async fn submit(&self, css: &str) {
        let old = self.client.find(Locator::Css("html")).await.unwrap();
        self.click(css).await;
        for _ in 0..200 {
            if old.tag_name().await.is_err() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        for _ in 0..200 {
            if self.js("return document.readyState;").await == "complete" {
                return;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    /// Opens the `<details>` of an action and submits its form after `fill` ran.
    pub(crate) async fn open_action(&self, action: &str) {
        let summary = format!("form[action$='/act'] input[name=action][value={action}]");
        let input =
            self.client.find(Locator::Css(&summary)).await.unwrap_or_else(|_| panic!("action {action} not offered"));
        let details = input.find(Locator::XPath("ancestor::details")).await.unwrap();
        details.find(Locator::Css("summary")).await.unwrap().click().await.unwrap();
    }

    pub(crate) async fn submit_action(&self, action: &str) {
        let css = format!("form[action$='/act']:has(input[name=action][value={action}]) button[type=submit]");
        self.submit(&css).await;
    }

    pub(crate) async fn text(&self, css: &str) -> String {
        match self.client.find(Locator::Css(css)).await {
            Ok(e) => e.text().await.unwrap(),
            Err(_) => {
                let source = self.client.source().await.unwrap_or_default();
                panic!("no {css} at {}: {}", self.path().await, source.chars().take(1500).collect::<String>())
            }
        }
    }

    pub(crate) async fn body(&self) -> String {
        self.text("body").await
    }

    pub(crate) async fn exists(&self, css: &str) -> bool {
        self.client.find_all(Locator::Css(css)).await.map(|v| !v.is_empty()).unwrap_or(false)
    }

    pub(crate) async fn js(&self, script: &str) -> Value {
        self.client.execute(script, vec![]).await.unwrap()
    }

    /// Makes the window `width` CSS pixels wide, as a phone's (390 or 360) or a desk's (1366).
    pub(crate) async fn resize(&self, width: u32, height: u32) {
        self.client.set_window_size(width, height).await.unwrap();
    }

    /// What on the current page is wider than the window: empty when it fits, else the window's
    /// width, the page's and the widest elements that stick out.
    pub(crate) async fn too_wide(&self) -> Option<String> {
        let v = self.js(TOO_WIDE).await;
        v.as_str().filter(|s| !s.is_empty()).map(str::to_string)
    }

    pub(crate) async fn screenshot(&self, name: &str) {
        if let Ok(png) = self.client.screenshot().await {
            let _ = std::fs::write(screenshots_dir().join(format!("{name}.png")), png);
        }
    }

    pub(crate) async fn login(&self, username: &str) {
        self.goto("/login").await;
        if self.exists("form[action='/logout']").await {
            self.submit("form[action='/logout'] button").await;
            self.goto("/login").await;
        }
        self.fill("#username", username).await;
        self.fill("#password", &password_of(username)).await;
        self.submit("form[action='/login'] button[type=submit]").await;
        assert!(!self.path().await.starts_with("/login"), "{username} could not sign in: {}", self.body().await);
    }

    pub(crate) async fn logout(&self) {
        if self.exists("form[action='/logout']").await {
            self.submit("form[action='/logout'] button").await;
        }
    }

    /// The accessibility basics on the current page: every visible input has a label, one h1 and
    /// no skipped heading level, images have alt text, text contrast at least 4.5:1 (3:1 when
    /// large). Returns what fails.
    pub(crate) async fn accessibility_problems(&self) -> Vec<String> {
        let v = self.js(A11Y_CHECK).await;
        v.as_array().map(|a| a.iter().filter_map(|x| x.as_str().map(str::to_string)).collect()).unwrap_or_default()
    }

    pub(crate) async fn close(self) {
        let _ = self.client.close().await;
        drop(self.profile);
    }
}

const TOO_WIDE: &str = r##"
const inner = window.innerWidth, wide = document.documentElement.scrollWidth;
if (wide <= inner) return "";
const out = [...document.querySelectorAll("body *")]
  .filter((e) => e.getBoundingClientRect().right > inner + 1)
  .slice(0, 5)
  .map((e) => e.tagName + (e.id ? "#" + e.id : "") + (e.className ? "." + String(e.className).split(" ")[0] : "") + " right " + Math.round(e.getBoundingClientRect().right));
return "innerWidth " + inner + ", scrollWidth " + wide + ": " + out.join(", ");
"##;

const A11Y_CHECK: &str = r#"
const problems = [];
const visible = (e) => !!(e.offsetWidth || e.offsetHeight || e.getClientRects().length);
for (const e of document.querySelectorAll("input, select, textarea")) {
  if (e.type === "hidden" || !visible(e)) continue;
  const labelled = (e.labels && e.labels.length > 0) || e.getAttribute("aria-label") || e.getAttribute("aria-labelledby");
  if (!labelled) problems.push("unlabelled " + e.tagName + " " + (e.name || e.id));
}
const h1 = document.querySelectorAll("h1").length;
if (h1 !== 1) problems.push("h1 count " + h1);
let last = 0;
for (const h of document.querySelectorAll("h1, h2, h3, h4, h5, h6")) {
  const level = Number(h.tagName[1]);
  if (last && level > last + 1) problems.push("heading skips from h" + last + " to h" + level + ": " + h.textContent.trim().slice(0, 30));
  last = level;
}
for (const img of document.querySelectorAll("img")) if (!img.hasAttribute("alt")) problems.push("img without alt " + img.src);
if (!document.documentElement.lang) problems.push("no lang on html");
const rgb = (s) => { const m = s.match(/[\d.]+/g); return m ? m.map(Number) : [0, 0, 0, 0]; };
const lum = ([r, g, b]) => { const f = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4); }; return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
const background = (e) => { for (let n = e; n; n = n.parentElement) { const c = rgb(getComputedStyle(n).backgroundColor); if (c.length < 4 || c[3] > 0) return c; } return [255, 255, 255]; };
for (const e of document.querySelectorAll("body *")) {
  if (!visible(e) || e.closest("svg")) continue;
  const own = [...e.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
  if (!own) continue;
  const s = getComputedStyle(e);
  const fg = lum(rgb(s.color)), bg = lum(background(e));
  const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
  const large = parseFloat(s.fontSize) >= 24 || (parseFloat(s.fontSize) >= 18.66 && Number(s.fontWeight) >= 700);
  if (ratio < (large ? 3 : 4.5)) problems.push("contrast " + ratio.toFixed(2) + " on " + e.tagName + ": " + e.textContent.trim().slice(0, 30));
}
return problems;
"#;

/// Starts the server on a free port over the test database.
pub(crate) async fn serve(db: &TestDb) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let state = web::AppState::new(db.app.clone(), web::WebConfig::default());
    tokio::spawn(async move {
        let _ = web::serve(listener, state, std::future::pending()).await;
    });
    addr
}

pub(crate) async fn setup(kind: Kind) -> Option<(TestDb, World, Browser)> {
    // The browser half runs on SQLite only when it is not CI's PostgreSQL pass; both backends are
    // covered by the HTTP suite, and one browser run keeps the suite within minutes.
    let db = TestDb::new(kind, NaiveDate::from_ymd_opt(2026, 11, 2).unwrap()).await?;
    let world = World::new(&db.app).await;
    let addr = serve(&db).await;
    let browser = Browser::open(addr).await?;
    Some((db, world, browser))
}

pub(crate) fn png_file(dir: &std::path::Path) -> PathBuf {
    let path = dir.join("现场照片.png");
    // A 1×1 PNG.
    let bytes: &[u8] = &[
        0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1,
        8, 6, 0, 0, 0, 0x1f, 0x15, 0xc4, 0x89, 0, 0, 0, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x60, 0xa8,
        0x60, 0, 0, 0, 0x82, 0, 0x81, 0x2a, 0x9a, 0x3a, 0x7a, 0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60,
        0x82,
    ];
    std::fs::write(&path, bytes).unwrap();
    path
}
