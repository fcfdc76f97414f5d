//! The traffic figures under the connection form.

use leptos::prelude::*;

use crate::connection::ConnectionCounters;

/// Messages and bytes both ways and reconnects, as the driver last published them (once
/// per animation frame). Each value has an id, for scripts that read the figures.
#[component]
pub fn Traffic(counters: ReadSignal<ConnectionCounters>) -> impl IntoView {
    let figure =
        move |read: fn(&ConnectionCounters) -> u64| move || counters.with(read).to_string();
    view! {
        <dl class="traffic" aria-label="Traffic">
            <div>
                <dt>"Messages received"</dt>
                <dd id="messages-in">{figure(|c| c.messages_in)}</dd>
            </div>
            <div>
                <dt>"Messages sent"</dt>
                <dd id="messages-out">{figure(|c| c.messages_out)}</dd>
            </div>
            <div>
                <dt>"Bytes received"</dt>
                <dd id="bytes-in">{figure(|c| c.bytes_in)}</dd>
            </div>
            <div>
                <dt>"Bytes sent"</dt>
                <dd id="bytes-out">{figure(|c| c.bytes_out)}</dd>
            </div>
            <div>
                <dt>"Reconnects"</dt>
                <dd id="reconnects">{figure(|c| c.reconnects)}</dd>
            </div>
        </dl>
    }
}
