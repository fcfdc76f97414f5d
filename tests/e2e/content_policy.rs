//! The built page's Content Security Policy: Trunk's inline loader is pinned by its
//! hash (`cargo xtask csp-hash`), so the app starts and an injected inline script does
//! not run — payloads rendered by mistake as HTML could not execute.

use serde_json::json;

use crate::{app, run, Setup};

/// The `content` of the page's Content-Security-Policy meta tag.
fn built_policy() -> String {
    let html = std::fs::read_to_string(app::dist().join("index.html"))
        .expect("cannot read the built index.html");
    let start = html
        .find("Content-Security-Policy")
        .expect("the built page has no Content-Security-Policy");
    // Minified or not, the policy is the meta tag's content="..." near the name.
    let tag_start = html[..start].rfind("<meta").expect("no meta tag");
    let tag_end = start + html[start..].find('>').expect("unterminated meta tag");
    let tag = &html[tag_start..tag_end];
    let content = tag
        .split("content=\"")
        .nth(1)
        .and_then(|c| c.split('"').next())
        .expect("the policy meta tag has no content");
    content.to_owned()
}

#[test]
fn the_page_allows_only_its_own_inline_script_by_hash() {
    let policy = built_policy();
    let script_src = policy
        .split(';')
        .find(|d| d.trim_start().starts_with("script-src"))
        .unwrap_or_else(|| panic!("no script-src in {policy:?}"));
    assert!(
        !script_src.contains("'unsafe-inline'"),
        "script-src still allows any inline script: {script_src}"
    );
    assert!(
        script_src.contains("'sha256-"),
        "script-src pins no script: {script_src}"
    );
    run(async {
        let setup = Setup::start().await;
        let browser = &setup.browser;
        // The app started under this policy: its loader was allowed.
        browser.find_by_role("textbox", "Broker URL").await;
        let injected_ran = browser
            .client
            .execute(
                "const s = document.createElement('script');
                 s.textContent = 'window.injectedScriptRan = true';
                 document.body.appendChild(s);
                 return window.injectedScriptRan === true;",
                vec![],
            )
            .await
            .expect("cannot run the injection probe");
        assert_eq!(injected_ran, json!(false), "an injected inline script ran");
        setup.browser.close().await;
    });
}
