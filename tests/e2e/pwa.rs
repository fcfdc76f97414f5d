//! The installable app: its manifest and icons are served and valid; the service worker
//! installs, takes the page, and serves the app shell with the site's server stopped; a
//! new build is offered, not forced, and taken when the user asks.

use std::path::Path;

use serde_json::{json, Value};

use crate::browser::Browser;
use crate::certs::TestCa;
use crate::support::{eventually, TempDir};
use crate::{app, run};

/// Waits until the service worker controls the page (installed, shell cached, active).
async fn wait_until_controlled(browser: &Browser) {
    eventually("the service worker to control the page", || async {
        let controlled = browser
            .resolve("resolve(!!navigator.serviceWorker.controller);")
            .await;
        if controlled == json!(true) {
            Ok(())
        } else {
            Err("not yet".to_owned())
        }
    })
    .await;
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("cannot create a directory");
    for entry in std::fs::read_dir(from).expect("cannot list the app") {
        let path = entry.expect("a directory entry").path();
        let target = to.join(path.file_name().expect("a file name"));
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).expect("cannot copy the app");
        }
    }
}

#[test]
fn the_manifest_and_its_icons_make_the_app_installable() {
    run(async {
        let server = app::serve(None).await;
        let ca = TestCa::new();
        let browser = Browser::start(&ca).await;
        browser.open(&server.url()).await;
        browser.find_by_role("heading", "Feedboard").await;
        let manifest = browser
            .resolve(
                "const link = document.querySelector('link[rel=manifest]');\n\
             fetch(link.href).then((r) => r.json()).then(resolve, (e) => resolve(String(e)));",
            )
            .await;
        assert_eq!(manifest["name"], "Feedboard", "{manifest}");
        assert_eq!(manifest["display"], "standalone");
        assert_eq!(manifest["start_url"], "./");
        assert!(manifest["theme_color"]
            .as_str()
            .is_some_and(|c| c.starts_with('#')));
        let icons = manifest["icons"].as_array().expect("icons");
        for (size, purpose) in [(192, None), (512, None), (512, Some("maskable"))] {
            let icon = icons
                .iter()
                .find(|i| {
                    i["sizes"] == format!("{size}x{size}") && i["purpose"].as_str() == purpose
                })
                .unwrap_or_else(|| panic!("no {size} px {purpose:?} icon in {manifest}"));
            // Served as PNG, and really that size.
            let measured = browser
                .resolve(&format!(
                    "fetch({src:?}).then(async (r) => {{\n\
                       const bitmap = await createImageBitmap(await r.blob());\n\
                       resolve([r.headers.get('content-type'), bitmap.width, bitmap.height]);\n\
                     }}, (e) => resolve(String(e)));",
                    src = icon["src"].as_str().expect("src")
                ))
                .await;
            assert_eq!(measured, json!(["image/png", size, size]), "{icon}");
        }
        browser.close().await;
        server.stop().await;
    });
}

#[test]
fn the_app_opens_with_its_server_gone_once_the_service_worker_has_it() {
    run(async {
        let server = app::serve(Some(json!({ "dashboard": {
            "version": 1, "title": "Offline ward", "blocks": [
                { "title": "Pulse", "type": "value", "topic": "ward/bed1/hr" }
            ] } })))
        .await;
        let ca = TestCa::new();
        let browser = Browser::start(&ca).await;
        browser.open(&server.url()).await;
        browser.find_by_role("heading", "Offline ward").await;
        wait_until_controlled(&browser).await;
        // The network is gone: the site's server stopped.
        server.stop().await;
        browser.client.refresh().await.expect("cannot reload");
        browser.find_by_role("heading", "Offline ward").await;
        browser.find_by_role("button", "Connect").await;
        browser.close().await;
    });
}

#[test]
fn a_new_version_is_offered_and_taken_only_when_asked() {
    run(async {
        let site = TempDir::new("site");
        copy_dir(&app::dist(), site.path());
        let server = feedboard_demo::serve_static(site.path().to_path_buf(), 0, None)
            .await
            .expect("cannot serve the copy");
        let ca = TestCa::new();
        let browser = Browser::start(&ca).await;
        browser.open(&server.url()).await;
        wait_until_controlled(&browser).await;
        let offer = browser
            .client
            .find_all(fantoccini::Locator::Css(".update-offer"))
            .await;
        assert!(offer.expect("a lookup").is_empty(), "nothing to offer yet");

        // A new build: its worker differs, so the browser installs it beside the old.
        let worker = site.join("sw.js");
        let source = std::fs::read_to_string(&worker).expect("sw.js");
        let newer = source.replacen("const VERSION = '", "const VERSION = 'newer-", 1);
        assert_ne!(newer, source, "the stamped version is in the worker");
        std::fs::write(&worker, newer).expect("cannot write sw.js");
        browser.resolve(
            "navigator.serviceWorker.getRegistration().then((r) => r.update()).then(() => resolve(true));",
        )
        .await;
        browser
            .wait_for_text("status", "New version", "the offer", |t| {
                t.starts_with("A new version of Feedboard is ready.")
            })
            .await;
        // The page goes on under the old version until asked.
        let waiting = browser
            .resolve("navigator.serviceWorker.getRegistration().then((r) => resolve(!!r.waiting));")
            .await;
        assert_eq!(waiting, json!(true));
        browser.click("button", "Reload to update").await;
        eventually("the new version to take the page", || async {
            let cache = browser.resolve(
                "caches.keys().then((keys) => resolve(keys.filter((k) => k.startsWith('feedboard-shell-'))));",
            )
            .await;
            let waiting = browser.resolve(
                "navigator.serviceWorker.getRegistration().then((r) => resolve(!!(r && r.waiting)));",
            )
            .await;
            match (cache.as_array(), &waiting) {
                (Some(keys), Value::Bool(false))
                    if keys.len() == 1 && keys[0].as_str().is_some_and(|k| k.contains("newer-")) =>
                {
                    Ok(())
                }
                _ => Err(format!("caches {cache}, waiting {waiting}")),
            }
        })
        .await;
        browser.find_by_role("heading", "Feedboard").await;
        browser.close().await;
        server.stop().await;
    });
}
