//! The browser driver: one `WebSocket`, one timer, and the sans-IO session between them.
//!
//! Every input (socket opened, bytes, socket closed, timer fired, a user command) goes
//! into the session, then [`Driver::pump`] drains its events, sends what it has to send
//! in one `ws.send` per turn (batched acks are about twice as fast as one send each),
//! and re-arms the single timer at `poll_timeout`. Messages go into the feed store; the
//! UI hears about them once per animation frame, never per message.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use bytes::Bytes;
use gloo_timers::callback::Timeout;
use leptos::prelude::*;
use mqtt_session::{Event, Instant, QoS, Session};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{BinaryType, CloseEvent, MessageEvent, WebSocket};

use super::describe;
use super::{BrokerUrl, ConnectionSettings, ConnectionStatus};
use crate::feeds::{FeedId, FeedStore};

/// Traffic figures for the connection screen, published once per frame.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ConnectionCounters {
    /// PUBLISH packets received.
    pub messages_in: u64,
    /// PUBLISH packets this page sent.
    pub messages_out: u64,
    /// WebSocket payload bytes received.
    pub bytes_in: u64,
    /// WebSocket payload bytes sent.
    pub bytes_out: u64,
    /// Successful connections after the first.
    pub reconnects: u64,
}

/// Called once per animation frame with the feeds that changed.
pub type FrameListener = Rc<dyn Fn(&[FeedId])>;

/// What the UI holds: signals to read, and commands. Cheap to copy into closures.
#[derive(Clone, Copy)]
pub struct Connection {
    /// The status line.
    pub status: ReadSignal<ConnectionStatus>,
    /// The latest problem to show in the form's alert, cleared on success.
    pub error: ReadSignal<Option<String>>,
    /// Traffic counters, updated at most once per frame.
    pub counters: ReadSignal<ConnectionCounters>,
    driver: StoredValue<Rc<RefCell<Driver>>, LocalStorage>,
}

impl Connection {
    /// A disconnected connection that will route messages into `store` and tell
    /// `on_frame` which feeds changed.
    pub fn new(store: Rc<RefCell<FeedStore>>, on_frame: FrameListener) -> Self {
        let (status, set_status) = signal(ConnectionStatus::Disconnected);
        let (error, set_error) = signal(None::<String>);
        let (counters, set_counters) = signal(ConnectionCounters::default());
        let driver = Rc::new(RefCell::new(Driver {
            session: Session::new(random_seed()),
            socket: None,
            socket_generation: 0,
            timer: None,
            timer_deadline: None,
            url: None,
            ever_connected: false,
            store,
            on_frame,
            frame_scheduled: false,
            counters: ConnectionCounters::default(),
            ui: UiSetters {
                status: set_status,
                error: set_error,
                counters: set_counters,
            },
            this: Weak::new(),
        }));
        driver.borrow_mut().this = Rc::downgrade(&driver);
        Self {
            status,
            error,
            counters,
            driver: StoredValue::new_local(driver),
        }
    }

    /// Validates the form and starts connecting; a bad form is reported in `error`.
    pub fn connect(&self, settings: &ConnectionSettings, filters: Vec<String>) {
        let driver = self.driver.get_value();
        let result = driver.borrow_mut().connect(settings, filters);
        if let Err(message) = result {
            driver.borrow().ui.error.set(Some(message));
        }
        Driver::pump(&driver);
    }

    /// Disconnects cleanly and stops reconnecting.
    pub fn disconnect(&self) {
        let driver = self.driver.get_value();
        let now = now();
        driver.borrow_mut().session.disconnect(now);
        Driver::pump(&driver);
    }

    /// Publishes (or queues while offline). Refusals say why: an invalid topic, a full
    /// offline queue.
    pub fn publish(
        &self,
        topic: &str,
        payload: &str,
        qos: QoS,
        retain: bool,
    ) -> Result<(), String> {
        let driver = self.driver.get_value();
        let result = {
            let mut d = driver.borrow_mut();
            let payload = Bytes::copy_from_slice(payload.as_bytes());
            let result = d.session.publish(now(), topic, payload, qos, retain);
            if result.is_ok() {
                d.counters.messages_out += 1;
            }
            result
        };
        Driver::pump(&driver);
        result.map(|_| ()).map_err(|e| describe::session_error(&e))
    }
}

/// The signal setters the driver writes, outside any RefCell borrow.
struct UiSetters {
    status: WriteSignal<ConnectionStatus>,
    error: WriteSignal<Option<String>>,
    counters: WriteSignal<ConnectionCounters>,
}

/// A socket and the JS closures that must live as long as it does.
struct Socket {
    ws: WebSocket,
    opened: bool,
    _on_open: Closure<dyn FnMut()>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_close: Closure<dyn FnMut(CloseEvent)>,
}

impl Drop for Socket {
    fn drop(&mut self) {
        // Detach first: a closed socket must not call closures that are being freed.
        self.ws.set_onopen(None);
        self.ws.set_onmessage(None);
        self.ws.set_onclose(None);
        let _ = self.ws.close();
    }
}

struct Driver {
    session: Session,
    socket: Option<Socket>,
    /// Bumped per socket, so late events of a replaced socket are ignored.
    socket_generation: u64,
    timer: Option<Timeout>,
    timer_deadline: Option<Instant>,
    url: Option<BrokerUrl>,
    /// Reached CONNACK since the user pressed Connect: from then on, losses reconnect.
    ever_connected: bool,
    store: Rc<RefCell<FeedStore>>,
    on_frame: FrameListener,
    frame_scheduled: bool,
    counters: ConnectionCounters,
    ui: UiSetters,
    this: Weak<RefCell<Driver>>,
}

/// What one pump changed in the UI, applied after the driver's borrow ends.
#[derive(Default)]
struct UiChanges {
    status: Option<ConnectionStatus>,
    error: Option<Option<String>>,
    frame_needed: bool,
    /// Close the socket once the pending bytes (a DISCONNECT) are sent.
    close_after_send: bool,
}

impl Driver {
    fn connect(
        &mut self,
        settings: &ConnectionSettings,
        filters: Vec<String>,
    ) -> Result<(), String> {
        let (url, options) = settings.to_options().map_err(|e| e.to_string())?;
        if !url.is_secure() && page_is_https() {
            return Err(describe::insecure_socket_from_secure_page(&url));
        }
        self.socket = None;
        self.url = Some(url);
        self.ever_connected = false;
        self.ui.error.set(None);
        self.ui.status.set(ConnectionStatus::Connecting);
        let now = now();
        // A fresh session per Connect press: new options, nothing carried over from a
        // different broker.
        self.session = Session::new(random_seed());
        self.session
            .connect(options, now)
            .map_err(|e| describe::session_error(&e))?;
        let qos = filters.into_iter().map(|f| (f, QoS::AtLeastOnce)).collect();
        self.session
            .subscribe(now, qos)
            .map_err(|e| describe::session_error(&e))
    }

    /// Drains the session after any input; see the module doc for the order.
    fn pump(this: &Rc<RefCell<Driver>>) {
        let changes = {
            let mut d = this.borrow_mut();
            let mut changes = UiChanges::default();
            while let Some(event) = d.session.poll_event() {
                d.handle_event(event, &mut changes);
            }
            while let Some(bytes) = d.session.poll_transmit() {
                d.send(&bytes);
            }
            if changes.close_after_send {
                d.socket = None;
            }
            d.arm_timer();
            if changes.frame_needed && !d.frame_scheduled {
                d.frame_scheduled = true;
                let weak = d.this.clone();
                request_animation_frame(move || {
                    if let Some(this) = weak.upgrade() {
                        Driver::on_frame(&this);
                    }
                });
            }
            changes
        };
        let ui = &this.borrow().ui;
        if let Some(status) = changes.status {
            ui.status.set(status);
        }
        if let Some(error) = changes.error {
            ui.error.set(error);
        }
    }

    fn handle_event(&mut self, event: Event, changes: &mut UiChanges) {
        match event {
            Event::TransportRequested => {
                changes.status = Some(ConnectionStatus::Connecting);
                if let Err(message) = self.open_socket() {
                    changes.error = Some(Some(message));
                    self.session.disconnect(now());
                }
            }
            Event::Connected { .. } => {
                if self.ever_connected {
                    self.counters.reconnects += 1;
                }
                self.ever_connected = true;
                changes.status = Some(ConnectionStatus::Connected);
                changes.error = Some(None);
            }
            Event::Message(message) => {
                self.counters.messages_in += 1;
                self.store.borrow_mut().ingest(
                    &message.topic,
                    &message.payload,
                    message.retain,
                    js_sys::Date::now(),
                );
                changes.frame_needed = true;
            }
            Event::Subscribed { results } => {
                let refused: Vec<String> = results
                    .into_iter()
                    .filter_map(|(filter, r)| r.err().map(|e| format!("{filter} ({})", e.reason)))
                    .collect();
                if !refused.is_empty() {
                    changes.error = Some(Some(format!(
                        "The broker refused to let this client read {}",
                        refused.join(", ")
                    )));
                }
            }
            Event::PublishRefused { topic, reason, .. } => {
                changes.error = Some(Some(format!(
                    "The broker refused the message to {topic}: {}",
                    reason.reason
                )));
            }
            Event::ConnectionLost { reason } => {
                let never_opened = self.socket.as_ref().is_some_and(|s| !s.opened);
                self.socket = None;
                let message = match (&self.url, never_opened) {
                    (Some(url), true) => describe::socket_never_opened(url),
                    _ => describe::session_error(&reason),
                };
                changes.error = Some(Some(message));
                if !self.ever_connected {
                    // The user is looking at the form: a typo should not retry forever.
                    self.session.disconnect(now());
                }
            }
            Event::ReconnectScheduled { after } => {
                changes.status = Some(ConnectionStatus::Reconnecting {
                    in_secs: after.as_millis().div_ceil(1000) as u64,
                });
            }
            Event::Disconnected => {
                changes.close_after_send = true;
                changes.status = Some(ConnectionStatus::Disconnected);
            }
            _ => {}
        }
    }

    fn open_socket(&mut self) -> Result<(), String> {
        let url = self.url.clone().ok_or("No broker URL")?;
        let ws = WebSocket::new_with_str(url.as_str(), "mqtt")
            .map_err(|_| describe::socket_never_opened(&url))?;
        ws.set_binary_type(BinaryType::Arraybuffer);
        self.socket_generation += 1;
        let generation = self.socket_generation;

        let weak = self.this.clone();
        let on_open = Closure::<dyn FnMut()>::new(move || {
            with_current_socket(&weak, generation, |d| {
                if let Some(socket) = d.socket.as_mut() {
                    socket.opened = true;
                }
                d.session.handle_transport_open(now());
            });
        });
        let weak = self.this.clone();
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
            let Ok(buffer) = e.data().dyn_into::<js_sys::ArrayBuffer>() else {
                return; // text frames are not MQTT; the session would call them malformed
            };
            let bytes = js_sys::Uint8Array::new(&buffer).to_vec();
            with_current_socket(&weak, generation, |d| {
                d.counters.bytes_in += bytes.len() as u64;
                d.session.handle_bytes(now(), &bytes);
            });
        });
        let weak = self.this.clone();
        let on_close = Closure::<dyn FnMut(CloseEvent)>::new(move |e: CloseEvent| {
            let reason = describe::socket_closed(e.code(), &e.reason());
            with_current_socket(&weak, generation, |d| {
                d.session.connection_lost(now(), reason)
            });
        });
        ws.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        ws.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        self.socket = Some(Socket {
            ws,
            opened: false,
            _on_open: on_open,
            _on_message: on_message,
            _on_close: on_close,
        });
        Ok(())
    }

    fn send(&mut self, bytes: &[u8]) {
        if let Some(socket) = self.socket.as_ref().filter(|s| s.opened) {
            if socket.ws.send_with_u8_array(bytes).is_ok() {
                self.counters.bytes_out += bytes.len() as u64;
            }
            // A failed send means the socket is closing; its close event reports the loss.
        }
    }

    fn arm_timer(&mut self) {
        let deadline = self.session.poll_timeout();
        if deadline == self.timer_deadline {
            return;
        }
        self.timer_deadline = deadline;
        self.timer = deadline.map(|at| {
            let delay = at.as_millis().saturating_sub(now().as_millis());
            let weak = self.this.clone();
            Timeout::new(u32::try_from(delay).unwrap_or(u32::MAX), move || {
                if let Some(this) = weak.upgrade() {
                    {
                        let mut d = this.borrow_mut();
                        d.timer = None;
                        d.timer_deadline = None;
                        d.session.handle_timeout(now());
                    }
                    Driver::pump(&this);
                }
            })
        });
    }

    fn on_frame(this: &Rc<RefCell<Driver>>) {
        let (changed, on_frame, counters) = {
            let mut d = this.borrow_mut();
            d.frame_scheduled = false;
            let changed = d.store.borrow_mut().take_changed();
            (changed, d.on_frame.clone(), d.counters)
        };
        this.borrow().ui.counters.set(counters);
        on_frame(&changed);
    }
}

/// Runs `f` on the driver if `generation` is still its socket, then pumps.
fn with_current_socket(weak: &Weak<RefCell<Driver>>, generation: u64, f: impl FnOnce(&mut Driver)) {
    let Some(this) = weak.upgrade() else { return };
    {
        let mut d = this.borrow_mut();
        if d.socket_generation != generation || d.socket.is_none() {
            return;
        }
        f(&mut d);
    }
    Driver::pump(&this);
}

/// The session's clock: milliseconds since the page started, monotonic.
fn now() -> Instant {
    let ms = web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now());
    Instant::from_millis(ms as u64)
}

fn random_seed() -> u64 {
    (js_sys::Math::random() * 9_007_199_254_740_992.0) as u64
}

fn page_is_https() -> bool {
    web_sys::window()
        .and_then(|w| w.location().protocol().ok())
        .is_some_and(|p| p == "https:")
}
