//! The installable app: the service worker that caches the app shell (public/sw.js),
//! the offer of a new version once it is installed, and notifications shown through
//! the worker's registration. The JS side is `pwa/service_worker.js`.

use leptos::prelude::*;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/pwa/service_worker.js")]
extern "C" {
    #[wasm_bindgen(js_name = registerServiceWorker)]
    fn register_service_worker(on_update_ready: &js_sys::Function) -> bool;
    #[wasm_bindgen(js_name = applyUpdate)]
    fn apply_update() -> bool;
    #[wasm_bindgen(js_name = checkForUpdate)]
    fn check_for_update();
    #[wasm_bindgen(js_name = notificationPermission)]
    fn notification_permission_js() -> String;
    #[wasm_bindgen(js_name = requestNotificationPermission)]
    async fn request_notification_permission_js() -> JsValue;
    #[wasm_bindgen(js_name = showNotification)]
    async fn show_notification_js(title: &str, body: &str, tag: &str) -> JsValue;
}

/// Whether the page may show notifications.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    Granted,
    Denied,
    /// Not asked yet.
    Ask,
    /// This browser has no notifications.
    Unsupported,
}

fn permission_of(text: &str) -> Permission {
    match text {
        "granted" => Permission::Granted,
        "denied" => Permission::Denied,
        "default" => Permission::Ask,
        _ => Permission::Unsupported,
    }
}

/// What the page may do now.
pub fn notification_permission() -> Permission {
    permission_of(&notification_permission_js())
}

/// Asks the user (the browser's own prompt); what they answered.
pub async fn request_notification_permission() -> Permission {
    permission_of(
        &request_notification_permission_js()
            .await
            .as_string()
            .unwrap_or_default(),
    )
}

/// Shows a notification (through the service worker when there is one); `tag`
/// replaces an earlier one with the same tag. True when shown.
pub async fn show_notification(title: &str, body: &str, tag: &str) -> bool {
    show_notification_js(title, body, tag)
        .await
        .as_bool()
        .unwrap_or(false)
}

/// Registers the service worker; the returned signal turns true when a new version is
/// installed and waiting for the user to take it.
pub fn start() -> ReadSignal<bool> {
    let (ready, set_ready) = signal(false);
    let on_ready = Closure::<dyn FnMut()>::new(move || set_ready.set(true));
    if register_service_worker(on_ready.as_ref().unchecked_ref()) {
        // Called whenever a version is ready, for the page's lifetime.
        on_ready.forget();
        // A page left open for days looks for a new version now and then.
        gloo_timers::callback::Interval::new(60 * 60 * 1000, check_for_update).forget();
    }
    ready
}

/// The offer of a new version: shown only when one is waiting; taking it reloads.
#[component]
pub fn UpdateOffer(ready: ReadSignal<bool>) -> impl IntoView {
    view! {
        <Show when=move || ready.get()>
            <div class="update-offer" role="status" aria-label="New version">
                <p>"A new version of Feedboard is ready. Your dashboards stay as they are."</p>
                <button type="button" on:click=move |_| {
                    apply_update();
                }>"Reload to update"</button>
            </div>
        </Show>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permissions_read_as_the_browser_says_them() {
        assert_eq!(permission_of("granted"), Permission::Granted);
        assert_eq!(permission_of("denied"), Permission::Denied);
        assert_eq!(permission_of("default"), Permission::Ask);
        assert_eq!(permission_of("unsupported"), Permission::Unsupported);
    }
}
