//! The line chart block: one feed or up to eight on a canvas, with the latest values as
//! text (a legend when there are several), threshold bands, and a read-out of the values
//! nearest a moment — under the pointer, or moved along the time axis with the arrow
//! keys when the chart has the focus. Its accessible name sums it up: the title, the
//! latest values and their trend over the window.

use gloo_timers::callback::Timeout;
use leptos::ev::{KeyboardEvent, PointerEvent};
use leptos::html::Canvas;
use leptos::prelude::*;

use super::chart_data::window_points;
use super::chart_draw::{draw, ChartLook, Palette};
use super::chart_readout::{nearest, readout_text, PlotArea};
use super::chart_trend::{short_trend_words, span_words, trend, trend_words};
use super::element_width::use_element_width;
use super::feed_notes::{unique_id, FeedNotes};
use super::number_format::with_unit;
use super::redraw_pacer::{min_interval_ms, Pace, RedrawPacer};
use super::staleness::Freshness;
use super::thresholds::Threshold;
use crate::app::FeedHandle;
use crate::connection::wall_now_ms;
use crate::feeds::Value;
use crate::theme::Theme;

/// Canvas height in CSS pixels; the width follows the block.
const CHART_HEIGHT: u32 = 220;

/// Arrow-key steps across the window: one press moves the read-out this fraction.
const READOUT_STEPS: f64 = 60.0;

/// One line of a chart: its legend name (empty for a chart of one), its feed, and how
/// fresh that feed is.
#[derive(Clone)]
pub struct ChartLine {
    /// The legend's name for it.
    pub name: String,
    /// Its feed.
    pub feed: FeedHandle,
    /// Whether its latest value is current.
    pub freshness: Memo<Freshness>,
}

/// How a chart shows its values, from the block's settings.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartSettings {
    /// Unit shown after values, e.g. `°C`.
    pub unit: String,
    /// Seconds of history shown.
    pub window_secs: u32,
    /// Fixed bottom of the y axis.
    pub y_min: Option<f64>,
    /// Fixed top of the y axis.
    pub y_max: Option<f64>,
    /// The y axis's name.
    pub y_label: String,
    /// Digits after the decimal point in text.
    pub decimals: Option<u8>,
    /// Steps instead of slopes.
    pub stepped: bool,
    /// Bands drawn on the chart.
    pub thresholds: Vec<Threshold>,
}

/// A line chart of `lines` over the last `settings.window_secs` seconds.
#[component]
pub fn LineChart(title: String, settings: ChartSettings, lines: Vec<ChartLine>) -> impl IntoView {
    let settings = StoredValue::new(settings);
    let window_secs = settings.with_value(|s| f64::from(s.window_secs));
    let has_y_name = settings.with_value(|s| !s.y_label.is_empty());
    let lines = StoredValue::new(lines);
    let single = lines.with_value(|l| l.len() == 1);
    let text_of = move |value: Value| {
        settings.with_value(|s| match value {
            Value::Number(n) => with_unit(n, s.decimals, &s.unit),
            Value::Switch(on) => with_unit(f64::from(u8::from(on)), None, &s.unit),
        })
    };
    let latest_of = move |line: &ChartLine| {
        line.feed
            .with(|f| f.latest().map(|s| text_of(s.value)))
            .flatten()
    };
    // Title, latest values and which way each line went over the window: what a
    // screen reader says of the canvas.
    let trend_of = move |line: &ChartLine| {
        let since = wall_now_ms() - window_secs * 1000.0;
        let decimals = settings.with_value(|s| s.decimals);
        line.feed
            .with(|f| trend(f.samples(), since, decimals))
            .flatten()
    };
    let accessible_name = {
        let title = title.clone();
        move || {
            let (decimals, unit) = settings.with_value(|s| (s.decimals, s.unit.clone()));
            lines.with_value(|lines| match lines.as_slice() {
                [line] if single => match (latest_of(line), trend_of(line)) {
                    (None, _) => format!("{title} chart, no data yet"),
                    (Some(value), None) => format!("{title} chart, latest value {value}"),
                    (Some(value), Some(t)) => format!(
                        "{title} chart, latest value {value}, {}",
                        trend_words(t, decimals, &unit, window_secs)
                    ),
                },
                _ => {
                    let mut any_trend = false;
                    let values: Vec<String> = lines
                        .iter()
                        .map(|line| {
                            let value = latest_of(line).unwrap_or_else(|| "no data yet".into());
                            let mut text = if line.name.is_empty() {
                                value
                            } else {
                                format!("{} {value}", line.name)
                            };
                            if let Some(t) = trend_of(line) {
                                any_trend = true;
                                text.push(' ');
                                text.push_str(&short_trend_words(t, decimals, &unit));
                            }
                            text
                        })
                        .collect();
                    let span = if any_trend {
                        format!(" over the last {}", span_words(window_secs))
                    } else {
                        String::new()
                    };
                    format!("{title} chart{span}, latest values: {}", values.join(", "))
                }
            })
        }
    };

    let canvas = NodeRef::<Canvas>::new();
    let width = use_element_width(canvas);
    redraw_when_fed(canvas, width, settings, lines);

    // The read-out: a moment (wall-clock ms), set by the pointer or the arrow keys.
    let cursor_ms = RwSignal::new(None::<f64>);
    let area = move || PlotArea::new(f64::from(width.get()), has_y_name);
    let place_at_x = move |x: f64| {
        let secs = area().time_at(x, window_secs);
        cursor_ms.set(Some(wall_now_ms() + secs * 1000.0));
    };
    let newest_ms = move || {
        lines.with_value(|lines| {
            lines
                .iter()
                .filter_map(|l| l.feed.with(|f| f.latest().map(|s| s.time_ms)).flatten())
                .fold(None, |acc: Option<f64>, t| {
                    Some(acc.map_or(t, |a| a.max(t)))
                })
        })
    };
    let on_key = move |e: KeyboardEvent| {
        let now = wall_now_ms();
        let step_ms = (window_secs * 1000.0 / READOUT_STEPS).max(1000.0);
        let current = cursor_ms.get_untracked().unwrap_or(now);
        let next = match e.key().as_str() {
            "ArrowLeft" => current - step_ms,
            "ArrowRight" => current + step_ms,
            "Home" => now - window_secs * 1000.0,
            // The newest value, as on focus (a slow feed's is older than "now").
            "End" => newest_ms().unwrap_or(now),
            "Escape" => {
                cursor_ms.set(None);
                return;
            }
            _ => return,
        };
        e.prevent_default();
        cursor_ms.set(Some(next.clamp(now - window_secs * 1000.0, now)));
    };
    let readout = move || {
        let at_ms = cursor_ms.get()?;
        let at_secs = (at_ms - wall_now_ms()) / 1000.0;
        // Farther than this from the moment, a sample is not "the value then".
        let tolerance_ms = (window_secs * 1000.0 / 50.0).max(2000.0);
        let values: Vec<(String, Option<f64>)> = lines.with_value(|lines| {
            lines
                .iter()
                .map(|line| {
                    let value = line
                        .feed
                        .with(|f| {
                            nearest(f.samples(), at_ms)
                                .filter(|s| (s.time_ms - at_ms).abs() <= tolerance_ms)
                                .map(|s| s.value.as_f64())
                        })
                        .flatten();
                    (line.name.clone(), value)
                })
                .collect()
        });
        let text =
            settings.with_value(|s| readout_text(at_secs.min(0.0), &values, s.decimals, &s.unit));
        Some((text, area().x_of(at_secs, window_secs)))
    };

    let notes_id = unique_id("chart-notes");
    let readout_id = unique_id("chart-readout");
    // The read-out is a live region, announced as it moves: not part of the
    // description, which says whether the values are current.
    let described_by = notes_id.clone();
    let heading = title.clone();
    let first = lines.with_value(|l| l.first().cloned());
    let freshness = first.as_ref().map(|l| l.freshness);
    let first_line = first.clone();
    let big_value = move || {
        first_line
            .as_ref()
            .and_then(latest_of)
            .unwrap_or_else(|| "–".into())
    };
    let theme = use_context::<Theme>();
    let dark = move || theme.is_some_and(|t| t.dark.get());
    let legend = (!single).then(|| {
        let items = lines.with_value(|lines| {
            lines
                .iter()
                .enumerate()
                .map(|(index, line)| {
                    let line = line.clone();
                    let swatch = move || Palette::of(dark()).series_css(index);
                    let name = line.name.clone();
                    let value = {
                        let line = line.clone();
                        move || latest_of(&line).unwrap_or_else(|| "no data yet".into())
                    };
                    let note = move || line.freshness.get().note();
                    let problem = move || {
                        line.feed
                            .with(|f| f.notice().map(str::to_owned))
                            .flatten()
                    };
                    view! {
                        <li data-freshness=move || line.freshness.get().as_str()>
                            <span class="swatch" aria-hidden="true" style:background-color=swatch></span>
                            <span class="series-name">{name}</span>" "
                            <span class="series-value">{value}</span>
                            {move || note().map(|n| view! { <span class="freshness">" — "{n}</span> })}
                            {move || problem().map(|p| view! { <span class="feed-problem">" — "{p}</span> })}
                        </li>
                    }
                })
                .collect_view()
        });
        view! { <ul class="legend" aria-label="Legend">{items}</ul> }
    });
    view! {
        <section class="block chart" aria-label=title
            data-freshness=move || freshness.map(|f| f.get().as_str())>
            <h2>{heading}</h2>
            {single.then(|| view! { <p class="latest" aria-hidden="true">{big_value}</p> })}
            <div class="chart-area">
                <canvas node_ref=canvas role="img" tabindex="0" aria-label=accessible_name
                    aria-describedby=described_by height=CHART_HEIGHT
                    on:pointermove=move |e: PointerEvent| place_at_x(f64::from(e.offset_x()))
                    on:pointerleave=move |_| cursor_ms.set(None)
                    on:focus=move |_| cursor_ms.set(Some(newest_ms().unwrap_or_else(wall_now_ms)))
                    on:blur=move |_| cursor_ms.set(None)
                    on:keydown=on_key></canvas>
                {move || readout().map(|(_, x)| view! {
                    <div class="chart-cursor" aria-hidden="true" style:left=format!("{x}px")></div>
                })}
            </div>
            <p class="readout" id=readout_id aria-live="polite">
                {move || readout().map(|(text, _)| text)}
            </p>
            {legend}
            {first.map(|line| view! {
                <FeedNotes id=notes_id freshness=line.freshness feed=line.feed />
            })}
        </section>
    }
}

/// Redraws the canvas when a line's feed changed (at most once per frame), paced to
/// what the canvas can show (see redraw_pacer) — the only effect here, and it only
/// syncs the canvas with the store.
fn redraw_when_fed(
    canvas: NodeRef<Canvas>,
    width: ReadSignal<u32>,
    settings: StoredValue<ChartSettings>,
    lines: StoredValue<Vec<ChartLine>>,
) {
    let theme = use_context::<Theme>();
    let pacer = StoredValue::new_local(RedrawPacer::new());
    let deferred_redraw = Trigger::new();
    let deferred_timer = StoredValue::new_local(None::<Timeout>);
    Effect::new(move |_| {
        lines.with_value(|lines| lines.iter().for_each(|l| l.feed.version.track()));
        deferred_redraw.track();
        let dark = theme.is_some_and(|t| t.dark.get());
        let width = width.get();
        let Some(canvas) = canvas.get() else { return };
        if width == 0 {
            return; // not laid out yet; the observer reports the width, and we redraw
        }
        // The samples' clock, so "now" and their times agree.
        let now_ms = wall_now_ms();
        let window_secs = settings.with_value(|s| f64::from(s.window_secs));
        let interval = min_interval_ms(window_secs, width);
        match pacer.try_update_value(|p| p.on_change(now_ms, interval)) {
            Some(Pace::DrawNow) => {}
            Some(Pace::DrawAfter(delay_ms)) => {
                let timer = Timeout::new(delay_ms.ceil() as u32, move || {
                    pacer.update_value(RedrawPacer::timer_fired);
                    deferred_redraw.notify();
                });
                // Replaces (and so frees) the one that already fired.
                deferred_timer.set_value(Some(timer));
                return;
            }
            Some(Pace::AlreadyScheduled) | None => return,
        }
        let started_ms = wall_now_ms();
        let series: Vec<_> = lines.with_value(|lines| {
            lines
                .iter()
                .map(|line| {
                    line.feed
                        .with(|f| {
                            window_points(f.samples().iter(), now_ms, window_secs, width as usize)
                        })
                        .unwrap_or_default()
                })
                .collect()
        });
        let drawn = settings.with_value(|s| {
            let look = ChartLook {
                window_secs,
                y_min: s.y_min,
                y_max: s.y_max,
                y_label: &s.y_label,
                stepped: s.stepped,
                thresholds: &s.thresholds,
                palette: Palette::of(dark),
            };
            draw(&canvas, width, &series, &look)
        });
        if let Err(e) = drawn {
            leptos::logging::warn!("chart {:?} not drawn: {e}", canvas.id());
        }
        // How long this redraw took, from the ring to the pixels: `cargo xtask bench`
        // reads it (its 50,000-point scenario). One attribute per redraw, a few a second.
        let took_ms = wall_now_ms() - started_ms;
        let _ = canvas.set_attribute("data-draw-ms", &format!("{took_ms:.2}"));
    });
}
