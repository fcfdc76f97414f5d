//! The gauge block: a feed's latest value on a half-circle dial from `min` to `max`,
//! drawn as inline SVG (a few paths; no canvas, nothing to redraw by hand), with the
//! thresholds' zones on an inner ring.
//!
//! ARIA: a `meter` (a value within known bounds) named by the block's title, with
//! `aria-valuemin`/`max`, `aria-valuenow` and `aria-valuetext` ("72 bpm", plus the
//! crossed threshold). ARIA requires `aria-valuenow` within the bounds, so it is
//! clamped, as the dial is; the text says the true value. Before the first value it is
//! `min` (a meter must have one) and the text says "no data yet". Not a live region: values
//! are read when the user goes to the meter (see the value block for why).

use leptos::prelude::*;

use super::feed_notes::{unique_id, FeedNotes};
use super::gauge_geometry::{arc_path, fraction, zones, RADIUS, VIEW_BOX, ZONE_RADIUS};
use super::number_format::format_number;
use super::staleness::Freshness;
use super::thresholds::Threshold;
use super::value::{use_reading, Reading};
use crate::app::FeedHandle;

/// A dial of one numeric feed.
#[component]
pub fn Gauge(
    title: String,
    min: f64,
    max: f64,
    unit: String,
    decimals: Option<u8>,
    thresholds: Vec<Threshold>,
    feed: FeedHandle,
    freshness: Memo<Freshness>,
) -> impl IntoView {
    let latest = move || {
        feed.with(|f| f.latest().map(|s| s.value.as_f64()))
            .flatten()
    };
    let zone_paths = zones(&thresholds, min, max)
        .into_iter()
        .filter_map(|(from, to, level)| {
            arc_path(from, to, ZONE_RADIUS).map(|d| {
                view! { <path class=format!("zone {}", level.as_str()) d=d></path> }
            })
        })
        .collect_view();
    let reading = use_reading(feed, unit, decimals, thresholds);
    // Not `clamp`: it panics on a reversed range, and no input may panic.
    let now = move || latest().unwrap_or(min).max(min).min(max).to_string();
    let value_text = move || {
        reading.with(|r| {
            r.as_ref()
                .map_or_else(|| "no data yet".to_owned(), Reading::spoken)
        })
    };
    let value_arc = move || latest().and_then(|v| arc_path(0.0, fraction(v, min, max), RADIUS));
    let level = move || reading.with(|r| Reading::level_name(r.as_ref()));
    let notes_id = unique_id("gauge-notes");
    let described_by = notes_id.clone();
    let heading = title.clone();
    let section_name = title.clone();

    view! {
        <section class="block gauge" aria-label=section_name data-level=level
            data-freshness=move || freshness.get().as_str()>
            <h2>{heading}</h2>
            <div class="dial" role="meter" aria-label=title
                aria-valuemin=min.to_string() aria-valuemax=max.to_string()
                aria-valuenow=now aria-valuetext=value_text
                aria-describedby=described_by>
                <svg viewBox=VIEW_BOX aria-hidden="true" focusable="false">
                    <path class="track" d=arc_path(0.0, 1.0, RADIUS)></path>
                    {zone_paths}
                    <path class="needle-arc" d=value_arc></path>
                </svg>
                <p class="reading">
                    {move || reading.with(|r| r.as_ref().map_or_else(|| "–".to_owned(), |r| r.text.clone()))}
                </p>
            </div>
            <p class="dial-ends" aria-hidden="true">
                <span>{format_number(min, decimals)}</span>
                <span>{format_number(max, decimals)}</span>
            </p>
            {move || reading.with(|r| r.as_ref().and_then(|r| r.alert.clone())).map(|(level, text)| view! {
                <p class="level-text" data-level=level.as_str() aria-hidden="true">{text}</p>
            })}
            <FeedNotes id=notes_id freshness feed />
        </section>
    }
}
