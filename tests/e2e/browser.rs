//! Headless Chromium driven over WebDriver (chromedriver + fantoccini), and finding
//! elements the way a screen reader does: by computed ARIA role and accessible name.

use std::fmt;
use std::process::{Command, Stdio};

use fantoccini::elements::Element;
use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Map, Value};

use crate::certs::TestCa;
use crate::support::{eventually, free_port, run_tool, wait_for_port, ChildGuard, TempDir};

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";

pub struct Browser {
    pub client: Client,
    // Dropped after the client: kills chromedriver's whole process group, Chromium too.
    driver: ChildGuard,
    home: TempDir,
}

impl Browser {
    /// Start chromedriver on a free port with a HOME of its own whose NSS database
    /// trusts `ca` (for wss://), and open a headless Chromium session.
    pub async fn start(ca: &TestCa) -> Browser {
        let home = TempDir::new("chromium-home");
        let nssdb = home.join(".pki/nssdb");
        std::fs::create_dir_all(&nssdb).expect("cannot create the NSS db directory");
        let db = format!("sql:{}", nssdb.display());
        run_tool(Command::new("certutil").args(["-d", &db, "-N", "--empty-password"]));
        run_tool(
            Command::new("certutil")
                .args(["-d", &db, "-A", "-n", "test-ca", "-t", "C,,", "-i"])
                .arg(ca.ca_cert()),
        );

        let port = free_port();
        let log = std::fs::File::create(home.join("chromedriver.log"))
            .expect("cannot create chromedriver.log");
        let mut driver = ChildGuard::spawn(
            "chromedriver",
            Command::new(CHROMEDRIVER)
                .arg(format!("--port={port}"))
                .env("HOME", home.path())
                .stdout(Stdio::from(log.try_clone().expect("cannot clone a file")))
                .stderr(Stdio::from(log)),
            true,
        );
        let driver_log = home.join("chromedriver.log");
        let context = || {
            format!(
                "\n--- chromedriver.log ---\n{}",
                std::fs::read_to_string(&driver_log).unwrap_or_default()
            )
        };
        wait_for_port(port, &mut driver, &context);

        let profile = home.join("profile");
        let chrome_log = home.join("chrome.log");
        let args = [
            "--headless=new".to_string(),
            "--no-sandbox".into(),
            "--disable-gpu".into(),
            "--disable-dev-shm-usage".into(),
            "--disable-quic".into(),
            "--no-first-run".into(),
            "--disable-background-networking".into(),
            "--disable-component-update".into(),
            "--disable-sync".into(),
            "--window-size=1280,900".into(),
            format!("--user-data-dir={}", profile.display()),
            // The page's console, for the failure report.
            "--enable-logging".into(),
            format!("--log-file={}", chrome_log.display()),
        ];
        let mut capabilities = Map::new();
        // Downloads (an exported dashboard) land here, without asking.
        let downloads = home.join("downloads");
        std::fs::create_dir_all(&downloads).expect("cannot create the downloads directory");
        capabilities.insert(
            "goog:chromeOptions".into(),
            json!({ "binary": CHROMIUM, "args": args, "prefs": {
                "download.default_directory": downloads,
                "download.prompt_for_download": false,
            } }),
        );
        let client = ClientBuilder::native()
            .capabilities(capabilities)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .unwrap_or_else(|e| panic!("no Chromium session: {e}{}", context()));
        Browser {
            client,
            driver,
            home,
        }
    }

    pub async fn open(&self, url: &str) {
        self.client
            .goto(url)
            .await
            .unwrap_or_else(|e| panic!("cannot open {url}: {e}"));
    }

    /// End the WebDriver session (Chromium exits); the guard then stops chromedriver.
    pub async fn close(self) {
        let _ = self.client.clone().close().await;
    }

    /// Where files the page downloads are saved.
    pub fn downloads_dir(&self) -> std::path::PathBuf {
        self.home.join("downloads")
    }

    /// A PNG of the viewport.
    pub async fn screenshot(&self) -> Vec<u8> {
        self.client.screenshot().await.expect("no screenshot")
    }

    /// Writes the viewport, scrolled to `selector`, to `FEEDBOARD_SCREENSHOT_DIR/name`
    /// when that is set: pictures to look at, not assertions.
    pub async fn screenshot_if_asked(&self, selector: &str, name: &str) {
        if let Some(dir) = std::env::var_os("FEEDBOARD_SCREENSHOT_DIR") {
            self.scroll_to(selector).await;
            let path = std::path::PathBuf::from(dir).join(name);
            std::fs::write(path, self.screenshot().await).expect("cannot write the screenshot");
        }
    }

    /// The element with `role` whose accessible name matches `name`, waiting for it.
    pub async fn find_by_role(&self, role: &str, name: impl Into<Name<'_>>) -> Element {
        find_by_role(&self.client, role, name).await
    }

    /// Clicks the element with `role` and exact accessible `name`, as a user would:
    /// scrolled to the middle of the screen first, as a user scrolls to see it
    /// (WebDriver alone clicks an element that is in view but under the sticky top bar).
    pub async fn click(&self, role: &str, name: &str) {
        let element = self.find_by_role(role, name).await;
        self.scroll_to_middle(&element).await;
        element
            .click()
            .await
            .unwrap_or_else(|e| panic!("cannot click the {role} {name:?}: {e}"));
    }

    /// Waits until the connection settings are unfolded (`true`) or folded (`false`).
    pub async fn wait_for_connection_settings(&self, unfolded: bool) {
        let expanded = if unfolded { "true" } else { "false" };
        self.wait_for_attribute(
            "button",
            "Connection settings",
            "aria-expanded",
            Some(expanded),
        )
        .await;
    }

    /// Unfolds the connection settings if they are folded (they fold once a Connect
    /// succeeds, and a page that connects by itself starts with them folded).
    pub async fn unfold_connection_settings(&self) {
        let expanded = self
            .attribute_now("button", "Connection settings", "aria-expanded")
            .await;
        if expanded.as_deref() != Some("true") {
            self.click("button", "Connection settings").await;
            self.wait_for_connection_settings(true).await;
        }
    }

    /// Chooses the option labelled `option` in the combobox named `name`.
    pub async fn choose(&self, name: &str, option: &str) {
        self.find_by_role("combobox", name)
            .await
            .select_by_label(option)
            .await
            .unwrap_or_else(|e| panic!("cannot choose {option:?} in {name:?}: {e}"));
    }

    /// Scrolls `element` to the middle of the viewport.
    pub async fn scroll_to_middle(&self, element: &Element) {
        let arg = serde_json::to_value(element).expect("an element serializes");
        self.client
            .execute("arguments[0].scrollIntoView({block: 'center'});", vec![arg])
            .await
            .unwrap_or_else(|e| panic!("cannot scroll to the element: {e}"));
    }

    /// Wait until the text of an element with `role` and `name` satisfies `wanted`
    /// (looked up afresh each time: the app may re-render it). Returns that text.
    pub async fn wait_for_text(
        &self,
        role: &str,
        name: impl Into<Name<'_>>,
        what: &str,
        wanted: impl Fn(&str) -> bool,
    ) -> String {
        let name = name.into();
        eventually(&format!("{role} {name} to show {what}"), || async {
            // Any of them: several may match a loose name (a page has more than one
            // alert, say).
            let mut texts = Vec::new();
            for element in find_all_once(&self.client, role, name).await? {
                let text = element.text().await.map_err(|e| e.to_string())?;
                if wanted(&text) {
                    return Ok(text);
                }
                texts.push(text);
            }
            Err(format!("texts {texts:?}"))
        })
        .await
    }

    /// Wait until the accessible name of an element with `role` and `name` satisfies
    /// `wanted`. Returns that name.
    pub async fn wait_for_name(
        &self,
        role: &str,
        name: impl Into<Name<'_>>,
        what: &str,
        wanted: impl Fn(&str) -> bool,
    ) -> String {
        let name = name.into();
        eventually(&format!("{role} {name} to be named {what}"), || async {
            let element = find_once(&self.client, role, name).await?;
            let label = computed_label(&element).await?;
            if wanted(&label) {
                Ok(label)
            } else {
                Err(format!("named {label:?}"))
            }
        })
        .await
    }

    /// Wait until attribute `attribute` of the element with `role` and `name` is
    /// `expected` (`None`: absent).
    pub async fn wait_for_attribute(
        &self,
        role: &str,
        name: impl Into<Name<'_>>,
        attribute: &str,
        expected: Option<&str>,
    ) {
        let name = name.into();
        let what = format!("{role} {name} to have {attribute}={expected:?}");
        eventually(&what, || async {
            let element = find_once(&self.client, role, name).await?;
            let value = element.attr(attribute).await.map_err(|e| e.to_string())?;
            if value.as_deref() == expected {
                Ok(())
            } else {
                Err(format!("{attribute}={value:?}"))
            }
        })
        .await
    }

    /// Wait until the accessible description (the text of the elements its
    /// `aria-describedby` names) of the element with `role` and `name` satisfies
    /// `wanted`. Returns that description.
    pub async fn wait_for_description(
        &self,
        role: &str,
        name: impl Into<Name<'_>>,
        what: &str,
        wanted: impl Fn(&str) -> bool,
    ) -> String {
        let name = name.into();
        eventually(
            &format!("{role} {name} to be described as {what}"),
            || async {
                let element = find_once(&self.client, role, name).await?;
                let description = self.description_of(&element).await?;
                if wanted(&description) {
                    Ok(description)
                } else {
                    Err(format!("described as {description:?}"))
                }
            },
        )
        .await
    }

    /// The text of the elements `element`'s `aria-describedby` names, space-separated.
    /// (WebDriver has no Get Computed Description; this is what it would compute for
    /// the plain-text notes the app points at.)
    pub async fn description_of(&self, element: &Element) -> Result<String, String> {
        let arg = serde_json::to_value(element).map_err(|e| e.to_string())?;
        let script =
            "const ids = (arguments[0].getAttribute('aria-describedby') || '').split(/\\s+/);\n\
                      return ids.map(id => document.getElementById(id))\n\
                      .filter(e => e).map(e => e.textContent.trim()).join(' ');";
        let value = self
            .client
            .execute(script, vec![arg])
            .await
            .map_err(|e| format!("cannot read the description: {e}"))?;
        Ok(value.as_str().unwrap_or_default().to_string())
    }

    /// Resize the window to `width` × `height` CSS pixels (a phone's 360 px width, say).
    pub async fn resize(&self, width: u32, height: u32) {
        self.client
            .set_window_size(width, height)
            .await
            .unwrap_or_else(|e| panic!("cannot resize the window to {width}x{height}: {e}"));
    }

    /// Take the focus away (no focus ring in a picture) and scroll to the top.
    pub async fn blur_and_scroll_to_top(&self) {
        self.client
            .execute(
                "document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0);",
                vec![],
            )
            .await
            .expect("cannot scroll to the top");
    }

    /// Scroll the element matching the CSS `selector` to the top of the viewport.
    pub async fn scroll_to(&self, selector: &str) {
        let element = self
            .client
            .find(Locator::Css(selector))
            .await
            .unwrap_or_else(|e| panic!("no {selector}: {e}"));
        let arg = serde_json::to_value(&element).expect("an element serializes");
        self.client
            .execute("arguments[0].scrollIntoView({block: 'start'});", vec![arg])
            .await
            .unwrap_or_else(|e| panic!("cannot scroll to {selector}: {e}"));
    }

    /// The page's layout width against its scrollable width: `(client, scroll)`.
    pub async fn page_widths(&self) -> (u64, u64) {
        let widths = self
            .client
            .execute(
                "const d = document.documentElement; return [d.clientWidth, d.scrollWidth];",
                vec![],
            )
            .await
            .expect("cannot read the page's widths");
        let width = |i: usize| widths.get(i).and_then(Value::as_u64).unwrap_or_default();
        (width(0), width(1))
    }

    /// The attribute's value now, on the element with `role` and `name`.
    pub async fn attribute_now(
        &self,
        role: &str,
        name: impl Into<Name<'_>>,
        attribute: &str,
    ) -> Option<String> {
        let element = self.find_by_role(role, name).await;
        attribute_of(&element, attribute).await
    }

    /// What a canvas shows, as `canvas.toDataURL()`.
    pub async fn canvas_data_url(&self, canvas: &Element) -> String {
        let arg = serde_json::to_value(canvas).expect("an element serializes");
        let url = self
            .client
            .execute("return arguments[0].toDataURL();", vec![arg])
            .await
            .expect("cannot read the canvas");
        url.as_str()
            .unwrap_or_else(|| panic!("toDataURL returned {url}"))
            .to_string()
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if std::thread::panicking() {
            let log = std::fs::read_to_string(self.home.join("chrome.log")).unwrap_or_default();
            let console: Vec<&str> = log.lines().filter(|l| l.contains("CONSOLE")).collect();
            eprintln!(
                "--- the page's console (chromedriver pid {}) ---\n{}",
                self.driver.pid(),
                console[console.len().saturating_sub(40)..].join("\n")
            );
        }
    }
}

/// Which accessible names match.
#[derive(Clone, Copy)]
pub enum Name<'a> {
    Exact(&'a str),
    Prefix(&'a str),
    Any,
}

impl<'a> From<&'a str> for Name<'a> {
    fn from(name: &'a str) -> Self {
        Name::Exact(name)
    }
}

impl Name<'_> {
    fn matches(&self, name: &str) -> bool {
        match *self {
            Name::Exact(wanted) => name == wanted,
            Name::Prefix(prefix) => name.starts_with(prefix),
            Name::Any => true,
        }
    }
}

impl fmt::Display for Name<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Name::Exact(name) => write!(f, "named {name:?}"),
            Name::Prefix(prefix) => write!(f, "with a name starting {prefix:?}"),
            Name::Any => write!(f, "with any name"),
        }
    }
}

/// Elements that can have the roles the tests look for: anything with an explicit role
/// and the HTML elements with implicit ones. The computed role decides, not this list.
const CANDIDATES: &str = "[role], input, select, textarea, button, a[href], img, canvas, \
                          output, progress, meter, section, ul, ol, h1, h2, h3, h4, h5, h6";

/// Find the element whose computed role is `role` and whose computed accessible name
/// matches `name`, as assistive technology sees them (WebDriver's Get Computed Role and
/// Get Computed Label). Polls until found; at the deadline it fails listing every
/// role and name it saw.
pub async fn find_by_role(client: &Client, role: &str, name: impl Into<Name<'_>>) -> Element {
    let name = name.into();
    eventually(&format!("an element with role {role:?} {name}"), || {
        find_once(client, role, name)
    })
    .await
}

/// One look for the element [`find_by_role`] waits for; `Err` lists what was seen.
pub async fn find_once(client: &Client, role: &str, name: Name<'_>) -> Result<Element, String> {
    let mut found = matching(client, role, name, true).await?;
    Ok(found.remove(0))
}

/// Every element with `role` and a name matching `name`, in page order; `Err` lists
/// what was seen when there is none.
pub async fn find_all_once(
    client: &Client,
    role: &str,
    name: Name<'_>,
) -> Result<Vec<Element>, String> {
    matching(client, role, name, false).await
}

async fn matching(
    client: &Client,
    role: &str,
    name: Name<'_>,
    first_only: bool,
) -> Result<Vec<Element>, String> {
    let candidates = client
        .find_all(Locator::Css(CANDIDATES))
        .await
        .map_err(|e| format!("cannot list elements: {e}"))?;
    let mut seen = Vec::new();
    let mut found = Vec::new();
    for element in candidates {
        // Elements re-rendered meanwhile are stale: skip them, the next poll retries.
        let Ok(found_role) = computed_role(&element).await else {
            continue;
        };
        // Chromium answers with its own name for ARIA's `img`.
        let found_role = if found_role == "image" {
            "img".to_string()
        } else {
            found_role
        };
        if matches!(found_role.as_str(), "" | "generic" | "none") {
            continue;
        }
        let label = computed_label(&element).await.unwrap_or_default();
        if found_role == role && name.matches(&label) {
            found.push(element);
            if first_only {
                break;
            }
            continue;
        }
        seen.push(format!("{found_role} {label:?}"));
    }
    if found.is_empty() {
        Err(format!("no match among [{}]", seen.join(", ")))
    } else {
        Ok(found)
    }
}

/// WebDriver's Get Computed Role: the element's role in the accessibility tree.
pub async fn computed_role(element: &Element) -> Result<String, String> {
    element_query(element, "computedrole").await
}

/// WebDriver's Get Computed Label: the element's accessible name.
pub async fn computed_label(element: &Element) -> Result<String, String> {
    element_query(element, "computedlabel").await
}

async fn element_query(element: &Element, what: &'static str) -> Result<String, String> {
    let command = ElementQuery {
        element: element.element_id().to_string(),
        what,
    };
    match element.clone().client().issue_cmd(command).await {
        Ok(Value::String(s)) => Ok(s),
        Ok(other) => Err(format!("{what}: unexpected answer {other}")),
        Err(e) => Err(format!("{what}: {e}")),
    }
}

/// `GET /session/{session id}/element/{element id}/{what}`, which fantoccini 0.22 does
/// not wrap.
#[derive(Debug)]
struct ElementQuery {
    element: String,
    what: &'static str,
}

impl WebDriverCompatibleCommand for ElementQuery {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        let session = session_id.unwrap_or_default();
        base_url.join(&format!(
            "session/{session}/element/{}/{}",
            self.element, self.what
        ))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::GET, None)
    }
}

/// `POST /session/{session id}/{path}` with a JSON body: chromedriver's commands that
/// fantoccini 0.22 does not wrap — the Permissions spec's Set Permission, and the door
/// to the DevTools protocol (`goog/cdp/execute`).
#[derive(Debug)]
struct SessionPost {
    path: &'static str,
    body: Value,
}

impl WebDriverCompatibleCommand for SessionPost {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/{}",
            session_id.unwrap_or_default(),
            self.path
        ))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(self.body.to_string()))
    }
}

impl Browser {
    /// Runs `body`, the body of a promise that calls `resolve`, in the page, and returns
    /// what it resolved with.
    pub async fn resolve(&self, body: &str) -> Value {
        self.client
            .execute(
                &format!("return new Promise((resolve) => {{ {body} }});"),
                vec![],
            )
            .await
            .unwrap_or_else(|e| panic!("cannot run the script: {e}"))
    }

    /// The page's clock (`Date.now()`), milliseconds since the epoch.
    pub async fn page_now_ms(&self) -> Result<f64, String> {
        self.client
            .execute("return Date.now();", vec![])
            .await
            .map_err(|e| e.to_string())
            .map(|v| v.as_f64().unwrap_or(0.0))
    }

    /// Waits until the page's clock reads `time_ms` or later.
    pub async fn wait_for_page_clock(&self, time_ms: f64) {
        eventually("the page's clock", || async {
            let now = self.page_now_ms().await?;
            if now >= time_ms {
                Ok(())
            } else {
                Err(format!("{now} < {time_ms}"))
            }
        })
        .await;
    }

    /// Makes the page see the system's colour scheme as `scheme` (`light`, `dark`).
    pub async fn emulate_color_scheme(&self, scheme: &str) {
        let features = json!([{ "name": "prefers-color-scheme", "value": scheme }]);
        let body =
            json!({ "cmd": "Emulation.setEmulatedMedia", "params": { "features": features } });
        self.client
            .issue_cmd(SessionPost {
                path: "goog/cdp/execute",
                body,
            })
            .await
            .unwrap_or_else(|e| panic!("cannot emulate a {scheme} system theme: {e}"));
    }

    /// Sets the page's permission `name` (`notifications`) to `state` (`granted`,
    /// `denied`, `prompt`), as the user would in the site's settings.
    pub async fn set_permission(&self, name: &'static str, state: &'static str) {
        let body = json!({ "descriptor": { "name": name }, "state": state });
        self.client
            .issue_cmd(SessionPost {
                path: "permissions",
                body,
            })
            .await
            .unwrap_or_else(|e| panic!("cannot set the {name} permission: {e}"));
    }
}

/// Press Tab (starting from the first text field) until the focused element has `role`
/// and the accessible name `name`; returns it. Fails if 60 presses do not reach it:
/// the control cannot be reached from the keyboard.
pub async fn tab_to(browser: &Browser, role: &str, name: &str) -> Element {
    const TAB: &str = "\u{e004}";
    // From the top: a field scrolled under the sticky header cannot be clicked.
    browser.blur_and_scroll_to_top().await;
    // The first control that is always there (pressing it would fold or unfold the
    // connection settings, so it is focused rather than clicked).
    let first = browser.find_by_role("button", "Connection settings").await;
    browser
        .client
        .execute(
            "arguments[0].focus();",
            vec![serde_json::to_value(&first).expect("an element serializes")],
        )
        .await
        .expect("cannot focus the Connection settings button");
    let mut seen = Vec::new();
    for _ in 0..60 {
        let active = browser
            .client
            .active_element()
            .await
            .expect("no focused element");
        let found_role = computed_role(&active).await.unwrap_or_default();
        let label = computed_label(&active).await.unwrap_or_default();
        if found_role == role && label == name {
            return active;
        }
        seen.push(format!("{found_role} {label:?}"));
        active.send_keys(TAB).await.expect("cannot press Tab");
    }
    panic!(
        "Tab never reached {role} {name:?}; focus went through [{}]",
        seen.join(", ")
    );
}

/// Clear a text field and type `text` into it.
pub async fn type_into(field: &Element, text: &str) {
    field.clear().await.expect("cannot clear a text field");
    field.send_keys(text).await.expect("cannot type");
}

/// An attribute's value now (`None` when absent).
pub async fn attribute_of(element: &Element, name: &str) -> Option<String> {
    element
        .attr(name)
        .await
        .unwrap_or_else(|e| panic!("cannot read attribute {name}: {e}"))
}
