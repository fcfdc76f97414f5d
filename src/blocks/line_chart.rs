//! The line chart block: a feed's recent values on a canvas, with the latest value as
//! text and in the canvas's accessible name.

use gloo_timers::callback::Timeout;
use leptos::html::Canvas;
use leptos::prelude::*;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use web_sys::HtmlCanvasElement;

use super::chart_data::{window_points, y_range, Point};
use super::element_width::use_element_width;
use super::feed_notes::{unique_id, FeedNotes};
use super::number_format::with_unit;
use super::redraw_pacer::{min_interval_ms, Pace, RedrawPacer};
use super::staleness::Freshness;
use crate::app::FeedHandle;
use crate::connection::wall_now_ms;
use crate::feeds::Value;

/// Canvas height in CSS pixels; the width follows the block.
const CHART_HEIGHT: u32 = 220;

/// A line chart of one numeric feed over the last `window_secs` seconds.
#[component]
pub fn LineChart(
    title: String,
    unit: String,
    window_secs: u32,
    feed: FeedHandle,
    freshness: Memo<Freshness>,
) -> impl IntoView {
    let canvas = NodeRef::<Canvas>::new();
    let latest = {
        let unit = unit.clone();
        move || {
            feed.with(|f| f.latest().map(|s| format_value(s.value, &unit)))
                .flatten()
        }
    };
    let accessible_name = {
        let title = title.clone();
        let latest = latest.clone();
        move || match latest() {
            Some(value) => format!("{title} chart, latest value {value}"),
            None => format!("{title} chart, no data yet"),
        }
    };
    let notes_id = unique_id("chart-notes");
    let described_by = notes_id.clone();

    // Redraw when the feed changed (at most once per frame), paced to what the canvas
    // can show (see redraw_pacer) — the only effect here, and it only syncs the canvas
    // with the store.
    let width = use_element_width(canvas);
    let pacer = StoredValue::new_local(RedrawPacer::new());
    let deferred_redraw = Trigger::new();
    let deferred_timer = StoredValue::new_local(None::<Timeout>);
    Effect::new(move |_| {
        feed.version.track();
        deferred_redraw.track();
        let width = width.get();
        let Some(canvas) = canvas.get() else { return };
        if width == 0 {
            return; // not laid out yet; the observer reports the width, and we redraw
        }
        // The samples' clock, so "now" and their times agree.
        let now_ms = wall_now_ms();
        let interval = min_interval_ms(f64::from(window_secs), width);
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
        let Some(points) = feed.with(|f| {
            let columns = width as usize;
            window_points(f.samples().iter(), now_ms, f64::from(window_secs), columns)
        }) else {
            return;
        };
        if let Err(e) = draw(&canvas, width, &points, f64::from(window_secs)) {
            leptos::logging::warn!("chart {:?} not drawn: {e}", canvas.id());
        }
    });

    let heading = title.clone();
    view! {
        <section class="block chart" aria-label=title
            data-freshness=move || freshness.get().as_str()>
            <h2>{heading}</h2>
            <p class="latest" aria-hidden="true">{move || latest().unwrap_or_else(|| "–".into())}</p>
            <canvas node_ref=canvas role="img" aria-label=accessible_name
                aria-describedby=described_by height=CHART_HEIGHT></canvas>
            <FeedNotes id=notes_id freshness feed />
        </section>
    }
}

/// A value with its unit, as text: `21.5 °C` (numbers as the value block shows them
/// without set decimals, so a huge one stays short).
pub fn format_value(value: Value, unit: &str) -> String {
    match value {
        Value::Number(n) => with_unit(n, None, unit),
        Value::Switch(on) => with_unit_text(if on { "on" } else { "off" }, unit),
    }
}

fn with_unit_text(text: &str, unit: &str) -> String {
    if unit.is_empty() {
        text.to_owned()
    } else {
        format!("{text} {unit}")
    }
}

/// Why a chart could not be drawn.
#[derive(Debug, thiserror::Error)]
pub enum DrawError {
    /// The canvas has no 2D context.
    #[error("the canvas has no 2D context")]
    NoContext,
    /// Plotters failed.
    #[error("{0}")]
    Plotters(String),
}

impl<E: std::error::Error + Send + Sync> From<DrawingAreaErrorKind<E>> for DrawError {
    fn from(e: DrawingAreaErrorKind<E>) -> Self {
        DrawError::Plotters(e.to_string())
    }
}

/// Draws `points` (seconds relative to now, value) into `canvas`.
pub fn draw(
    canvas: &HtmlCanvasElement,
    width: u32,
    points: &[Point],
    window_secs: f64,
) -> Result<(), DrawError> {
    // Match the drawing buffer to the displayed width, so lines are not stretched.
    if width > 0 && canvas.width() != width {
        canvas.set_width(width);
    }
    let backend = CanvasBackend::with_canvas_object(canvas.clone()).ok_or(DrawError::NoContext)?;
    let root = backend.into_drawing_area();
    root.fill(&WHITE)?;
    let (y_lo, y_hi) = y_range(points);
    let mut chart = ChartBuilder::on(&root)
        .margin(8)
        .x_label_area_size(22)
        .y_label_area_size(44)
        .build_cartesian_2d(-window_secs..0.0, y_lo..y_hi)?;
    chart
        .configure_mesh()
        .light_line_style(RGBColor(238, 238, 238))
        .x_labels(6)
        .y_labels(5)
        .x_label_formatter(&|t| relative_time_label(*t))
        .draw()?;
    chart.draw_series(LineSeries::new(
        points.iter().copied(),
        RGBColor(0, 102, 204).stroke_width(2),
    ))?;
    if let Some(&last) = points.last() {
        chart.draw_series(std::iter::once(Circle::new(
            last,
            3,
            RGBColor(0, 102, 204).filled(),
        )))?;
    }
    root.present()?;
    Ok(())
}

/// `0` → `now`, `-90` → `-1:30`.
pub fn relative_time_label(secs: f64) -> String {
    if secs > -0.5 {
        return "now".into();
    }
    let total = (-secs).round() as u64;
    let (h, m, s) = (total / 3600, total / 60 % 60, total % 60);
    if h > 0 {
        format!("-{h}:{m:02}:{s:02}")
    } else {
        format!("-{m}:{s:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_read_with_their_unit() {
        assert_eq!(format_value(Value::Number(21.5), "°C"), "21.5 °C");
        assert_eq!(format_value(Value::Number(42.0), ""), "42");
        assert_eq!(format_value(Value::Switch(true), ""), "on");
        assert_eq!(format_value(Value::Number(1e300), "K"), "1e300 K");
    }

    #[test]
    fn axis_labels_count_back_from_now() {
        assert_eq!(relative_time_label(0.0), "now");
        assert_eq!(relative_time_label(-90.0), "-1:30");
        assert_eq!(relative_time_label(-3725.0), "-1:02:05");
    }
}
