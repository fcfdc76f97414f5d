//! `cargo xtask csp-hash`: Trunk's post-build hook that pins the page's inline script
//! in its Content Security Policy.
//!
//! Trunk loads the app with one inline `<script type="module">`, so `index.html` needs
//! `'unsafe-inline'` in `script-src` to start at all — which would also let an injected
//! script run. After Trunk has written (and minified) the page, this replaces
//! `'unsafe-inline'` with the SHA-256 of each inline script, so exactly those run.

use std::fs;
use std::path::Path;

use base64::Engine;
use sha2::{Digest, Sha256};

use crate::process::{error, Result};

/// The placeholder in `index.html`'s policy that the hashes replace.
const PLACEHOLDER: &str = "'unsafe-inline'";

/// Rewrites `$TRUNK_STAGING_DIR/index.html` in place.
pub fn run() -> Result {
    let staging = std::env::var_os("TRUNK_STAGING_DIR").ok_or_else(|| {
        error("csp-hash runs as Trunk's post_build hook (TRUNK_STAGING_DIR is not set)")
    })?;
    let page = Path::new(&staging).join("index.html");
    let html = fs::read_to_string(&page)
        .map_err(|e| error(format!("cannot read {}: {e}", page.display())))?;
    let pinned = pin_inline_scripts(&html)?;
    fs::write(&page, pinned)?;
    println!(
        "csp-hash: inline scripts of {} pinned by hash",
        page.display()
    );
    Ok(())
}

/// The page with `'unsafe-inline'` in its policy replaced by the inline scripts' hashes.
pub fn pin_inline_scripts(html: &str) -> Result<String> {
    let hashes: Vec<String> = inline_scripts(html)
        .into_iter()
        .map(|body| {
            let digest = Sha256::digest(body.as_bytes());
            format!(
                "'sha256-{}'",
                base64::engine::general_purpose::STANDARD.encode(digest)
            )
        })
        .collect();
    if hashes.is_empty() {
        return Err(error(
            "csp-hash: the page has no inline script; remove 'unsafe-inline' from index.html",
        ));
    }
    match html.matches(PLACEHOLDER).count() {
        1 => Ok(html.replacen(PLACEHOLDER, &hashes.join(" "), 1)),
        0 => Err(error(
            "csp-hash: no 'unsafe-inline' in the page's policy to replace \
             (index.html's Content-Security-Policy must list it in script-src)",
        )),
        n => Err(error(format!(
            "csp-hash: 'unsafe-inline' appears {n} times; expected once, in script-src"
        ))),
    }
}

/// The bodies of `<script>` elements without a `src` attribute, byte for byte (what the
/// browser hashes).
fn inline_scripts(html: &str) -> Vec<&str> {
    let mut bodies = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        let after_tag_name = &rest[start + "<script".len()..];
        let Some(tag_end) = after_tag_name.find('>') else {
            break;
        };
        let attributes = &after_tag_name[..tag_end];
        let body_and_rest = &after_tag_name[tag_end + 1..];
        let Some(body_end) = body_and_rest.find("</script") else {
            break;
        };
        if !has_src_attribute(attributes) {
            bodies.push(&body_and_rest[..body_end]);
        }
        rest = &body_and_rest[body_end..];
    }
    bodies
}

fn has_src_attribute(attributes: &str) -> bool {
    attributes
        .split(|c: char| c.is_whitespace())
        .any(|a| a == "src" || a.starts_with("src="))
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: &str = "<meta http-equiv=Content-Security-Policy content=\"script-src 'self' 'wasm-unsafe-eval' 'unsafe-inline'\">";

    #[test]
    fn the_inline_module_script_is_pinned_by_its_sha256() {
        let html = format!("{POLICY}<script type=module>import init from '/a.js';</script>");
        let pinned = pin_inline_scripts(&html).unwrap();
        // printf "import init from '/a.js';" | openssl dgst -sha256 -binary | base64
        assert!(
            pinned.contains("'sha256-aOee+rvEUMphqlepW7nBjXpcT6aM6jxNXbtEv0XP738='"),
            "{pinned}"
        );
        assert!(!pinned.contains("unsafe-inline"), "{pinned}");
    }

    #[test]
    fn scripts_with_a_src_are_not_hashed_and_several_inline_ones_are() {
        let html = format!(
            "{POLICY}<script src=/x.js></script><script>a()</script><script type=module>b()</script>"
        );
        assert_eq!(inline_scripts(&html), vec!["a()", "b()"]);
        let pinned = pin_inline_scripts(&html).unwrap();
        assert_eq!(pinned.matches("'sha256-").count(), 2, "{pinned}");
    }

    #[test]
    fn a_page_without_inline_script_or_placeholder_is_an_error_not_a_silent_pass() {
        assert!(pin_inline_scripts(POLICY).is_err());
        assert!(pin_inline_scripts("<script>a()</script>").is_err());
        let twice = format!("{POLICY}{POLICY}<script>a()</script>");
        assert!(pin_inline_scripts(&twice).is_err());
    }
}
