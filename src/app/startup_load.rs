//! Fetching `feedboard.json` at start. Missing is normal; broken is reported.

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::Response;

use crate::connection::startup::{parse_startup_config, StartupConfig, STARTUP_CONFIG_PATH};

/// The configuration to start with, and a notice when the file was there but unusable.
#[derive(Debug, Clone, Default)]
pub struct StartupLoad {
    /// What to pre-fill and open.
    pub config: StartupConfig,
    /// Why the file was ignored, for the page to show.
    pub notice: Option<String>,
}

/// Fetches and parses the start-up configuration; never fails, only explains.
pub async fn load_startup_config() -> StartupLoad {
    match fetch_text(STARTUP_CONFIG_PATH).await {
        Ok(None) => StartupLoad::default(),
        Ok(Some(text)) => match parse_startup_config(&text) {
            Ok(config) => StartupLoad {
                config,
                notice: None,
            },
            Err(notice) => StartupLoad {
                config: StartupConfig::default(),
                notice: Some(notice),
            },
        },
        Err(notice) => StartupLoad {
            config: StartupConfig::default(),
            notice: Some(notice),
        },
    }
}

/// The file's text, `None` when the server says it does not exist.
async fn fetch_text(path: &str) -> Result<Option<String>, String> {
    let failed = |what: &str| format!("Could not read {path}: {what}");
    let window = web_sys::window().ok_or_else(|| failed("no window"))?;
    let response = JsFuture::from(window.fetch_with_str(path))
        .await
        .map_err(|_| failed("the request failed"))?;
    let response: Response = response.dyn_into().map_err(|_| failed("not a response"))?;
    if response.status() == 404 {
        return Ok(None);
    }
    if !response.ok() {
        return Err(failed(&format!("HTTP {}", response.status())));
    }
    let text = response.text().map_err(|_| failed("no body"))?;
    let text = JsFuture::from(text)
        .await
        .map_err(|_| failed("the body could not be read"))?;
    Ok(text.as_string())
}
