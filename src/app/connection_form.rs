//! The connection form: where the user says which broker, and sees why it failed.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use mqtt_session::ProtocolVersion;

use super::CheckField;
use crate::connection::{BrokerUrl, Connection, ConnectionSettings, ConnectionStatus};

/// Broker URL, client id, credentials, protocol version and keep-alive, with Connect and
/// Disconnect. What the user typed stays in the form whatever happens.
#[component]
pub fn ConnectionForm(
    connection: Connection,
    initial: ConnectionSettings,
    /// Whether "Remember password" starts ticked.
    remember_password: bool,
    /// Topic filters to subscribe to on connect.
    filters: Vec<String>,
    /// Connect as soon as the form appears (the demo's start-up configuration, or the
    /// previous dashboard was connected).
    autoconnect: bool,
    /// Told the form's values and "Remember password" whenever one changes, to save
    /// them with the dashboard.
    on_change: Callback<(ConnectionSettings, bool)>,
) -> impl IntoView {
    let broker_url = RwSignal::new(initial.broker_url);
    let client_id = RwSignal::new(initial.client_id);
    let username = RwSignal::new(initial.username);
    let password = RwSignal::new(initial.password);
    let version = RwSignal::new(initial.version);
    let keep_alive = RwSignal::new(initial.keep_alive);
    let clean_start = RwSignal::new(initial.clean_start);
    let adafruit = RwSignal::new(initial.adafruit);
    let remember = RwSignal::new(remember_password);
    let forgotten = RwSignal::new(false);
    // Empty fields and an unticked box: the dashboard's profile is saved from them (see
    // `on_change`), so the login leaves this browser's storage and the page's memory.
    let forget_login = move |_| {
        username.set(String::new());
        password.set(String::new());
        remember.set(false);
        forgotten.set(true);
    };
    let settings = move || ConnectionSettings {
        broker_url: broker_url.get(),
        client_id: client_id.get(),
        username: username.get(),
        password: password.get(),
        version: version.get(),
        keep_alive: keep_alive.get(),
        clean_start: clean_start.get(),
        adafruit: adafruit.get(),
    };
    Effect::new(move || on_change.run((settings(), remember.get())));
    // A persistent session is only found again under the same client id: once connected
    // with a generated one, keep it in the box so the next Connect resumes the session.
    Effect::new(move || {
        if let Some(id) = connection.client_id.get() {
            if !clean_start.get_untracked() && client_id.get_untracked().trim().is_empty() {
                client_id.set(id);
            }
        }
    });
    let client_id_placeholder = move || match connection.client_id.get() {
        Some(id) if client_id.get().trim().is_empty() => format!("generated: {id}"),
        _ => "generated".to_owned(),
    };

    // The settings fold away once a Connect succeeds, so the dashboard is what a phone
    // shows first; they unfold when that Connect fails or the user disconnects, where
    // the fields are what the user needs next. A page that connects by itself starts
    // folded.
    let settings_open = RwSignal::new(!autoconnect);
    let awaiting_outcome = RwSignal::new(false);
    Effect::new(move || {
        if !awaiting_outcome.get() {
            return;
        }
        if connection.status.get() == ConnectionStatus::Connected {
            settings_open.set(false);
            awaiting_outcome.set(false);
        } else if connection.error.with(Option::is_some) {
            settings_open.set(true);
            awaiting_outcome.set(false);
        }
    });
    let connect = move || {
        let settings = untrack(settings);
        awaiting_outcome.set(true);
        connection.connect(&settings, filters.clone());
    };
    if autoconnect {
        connect();
    }
    let connect = StoredValue::new_local(connect);
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        connect.with_value(|c| c());
    };
    let idle = move || connection.status.get() == ConnectionStatus::Disconnected;
    // Said while typing, before anything is sent: the password would go in clear.
    let plaintext_warning = move || {
        broker_url.with(|text| {
            BrokerUrl::parse(text.trim())
                .ok()
                .and_then(|url| url.plaintext_warning())
        })
    };

    view! {
        <form class="connection" aria-label="Connection" on:submit=on_submit>
            <div class="disclosure wide">
                <button type="button" aria-controls="connection-settings"
                    aria-expanded=move || settings_open.get().to_string()
                    on:click=move |_| {
                        // The user's choice stands: a Connect under way no longer
                        // folds or unfolds them.
                        awaiting_outcome.set(false);
                        settings_open.update(|open| *open = !*open);
                    }>
                    "Connection settings"
                </button>
                <span class="disclosure-summary" hidden=settings_open>
                    {move || broker_url.get().trim().to_owned()}
                </span>
            </div>
            <div id="connection-settings" class="folding" hidden=move || !settings_open.get()>
                <div class="field wide">
                    <label for="broker-url">"Broker URL"</label>
                    <input id="broker-url" type="text" inputmode="url" autocomplete="url"
                        spellcheck="false" placeholder="wss://broker.example:8884/mqtt"
                        aria-describedby="broker-url-warning"
                        prop:value=broker_url
                        on:input:target=move |ev| broker_url.set(ev.target().value()) />
                    <p id="broker-url-warning" class="url-warning">{plaintext_warning}</p>
                </div>
                <div class="field">
                    <label for="username">"Username"</label>
                    <input id="username" type="text" autocomplete="username" spellcheck="false"
                        prop:value=username
                        on:input:target=move |ev| { forgotten.set(false); username.set(ev.target().value()) } />
                </div>
                <div class="field">
                    <label for="password">"Password"</label>
                    <input id="password" type="password" autocomplete="current-password"
                        prop:value=password
                        on:input:target=move |ev| password.set(ev.target().value()) />
                </div>
                <CheckField label="Remember password" checked=remember hint_id="remember-hint"
                    hint=Signal::derive(move || if remember.get() {
                        "Saved with this dashboard in this browser, unencrypted. Never exported or shared."
                    } else {
                        "Held only until the page closes."
                    }.to_owned())>
                    <button type="button" class="forget" on:click=forget_login>"Forget login"</button>
                    <p class="hint" role="status" aria-label="Forget login result">
                        {move || forgotten.get().then_some(
                            "Username and password removed from this page and from this browser's storage. A connection already made stays open until you disconnect."
                        )}
                    </p>
                </CheckField>
                <div class="field">
                    <label for="client-id">"Client ID"</label>
                    <input id="client-id" type="text" spellcheck="false" placeholder=client_id_placeholder
                        prop:value=client_id
                        on:input:target=move |ev| client_id.set(ev.target().value()) />
                </div>
                <div class="field">
                    <label for="protocol-version">"Protocol version"</label>
                    <select id="protocol-version"
                        on:change:target=move |ev| version.set(parse_version(&ev.target().value()))>
                        <option value="3.1.1" selected=move || version.get() == ProtocolVersion::V3_1_1>
                            "MQTT 3.1.1"
                        </option>
                        <option value="5" selected=move || version.get() == ProtocolVersion::V5>
                            "MQTT 5.0"
                        </option>
                    </select>
                </div>
                <div class="field">
                    <label for="keep-alive">"Keep-alive (seconds)"</label>
                    <input id="keep-alive" type="number" min="0" max="65535" step="1"
                        prop:value=keep_alive
                        on:input:target=move |ev| keep_alive.set(ev.target().value()) />
                </div>
                <CheckField label="Clean start" checked=clean_start hint_id="clean-start-hint" wide=true
                    hint=Signal::derive(move || if clean_start.get() {
                        "Untick to have the broker keep your subscriptions and queue messages while you are away."
                    } else {
                        "The broker keeps this session (MQTT 5.0: for 1 hour) and queues QoS 1 messages while you are away."
                    }.to_owned()) />
                <CheckField label="Adafruit IO mode" checked=adafruit hint_id="adafruit-hint" wide=true
                    hint=Signal::derive(move || if adafruit.get() {
                        let user = username.get();
                        let user = if user.trim().is_empty() { "<username>" } else { user.trim() };
                        format!("A block's feed key, such as temperature, means {user}/f/temperature. Each feed's last value is fetched on connect, and Adafruit IO's throttle and error messages are shown. Your Adafruit IO key is the password.")
                    } else {
                        "For io.adafruit.com (wss://io.adafruit.com/mqtt, port 443): blocks may then name feeds by their key.".to_owned()
                    }) />
            </div>
            <div class="actions">
                <button type="submit" disabled=move || !idle()>"Connect"</button>
                <button type="button" disabled=idle
                    on:click=move |_| { settings_open.set(true); connection.disconnect() }>
                    "Disconnect"
                </button>
            </div>
            {move || connection.error.get().map(|message| view! {
                <p class="error" role="alert">{message}</p>
            })}
        </form>
    }
}

fn parse_version(value: &str) -> ProtocolVersion {
    if value == "5" {
        ProtocolVersion::V5
    } else {
        ProtocolVersion::V3_1_1
    }
}
