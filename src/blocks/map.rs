//! The map block: where a device is and where it has been, drawn as inline SVG on a
//! plain grid with a scale bar — no map tiles, so nothing is ever fetched from a tile
//! server and the page's Content-Security-Policy stays closed. Positions come from the
//! feed's texts ([`super::map_geometry::read_position`]: Adafruit IO JSON or CSV).
//!
//! ARIA: the drawing is an `img` named by the title and the latest position, which is
//! also written under it as text: the words carry what the picture shows.

use leptos::prelude::*;

use super::feed_notes::{unique_id, FeedNotes};
use super::map_geometry::{polyline, read_position, Frame, Position, HEIGHT, WIDTH};
use super::staleness::Freshness;
use crate::app::FeedHandle;

/// Grid spacing in SVG units: a reference for the eye, not a distance (the scale bar
/// gives that).
const GRID_STEP: f64 = 40.0;

/// What the map draws, worked out once per feed change.
#[derive(Debug, Clone, PartialEq, Default)]
struct Track {
    /// Oldest first, the newest last.
    positions: Vec<Position>,
    /// Why the newest message gave no position, if it did not.
    unreadable: Option<String>,
}

/// Reads the newest `points` messages' positions, skipping those without one.
fn track_of<'a>(texts: impl DoubleEndedIterator<Item = &'a str>, points: usize) -> Track {
    let mut track = Track::default();
    for (i, text) in texts.rev().take(points).enumerate() {
        match read_position(text) {
            Ok(p) => track.positions.push(p),
            Err(why) if i == 0 => track.unreadable = Some(why),
            Err(_) => {}
        }
    }
    track.positions.reverse();
    track
}

/// A device's track and latest position.
#[component]
pub fn MapBlock(
    title: String,
    points: u16,
    feed: FeedHandle,
    freshness: Memo<Freshness>,
) -> impl IntoView {
    let track = Memo::new(move |_| {
        feed.with(|f| track_of(f.texts().iter().map(|t| &*t.text), usize::from(points)))
            .unwrap_or_default()
    });
    let latest = move || track.with(|t| t.positions.last().copied());
    let where_now = move || match latest() {
        Some(p) => format!("Last position: {}", p.describe()),
        None => "No position yet".to_owned(),
    };
    let drawing_name = {
        let title = title.clone();
        move || match latest() {
            Some(p) => format!("{title}: map, last position {}", p.describe()),
            None => format!("{title}: map, no position yet"),
        }
    };
    let drawing = move || {
        track.with(|t| {
            let frame = Frame::fit(&t.positions)?;
            let (bar, bar_label) = frame.scale_bar();
            let (x, y) = frame.place(*t.positions.last()?);
            Some(view! {
                <polyline class="map-track" points=polyline(&frame, &t.positions)></polyline>
                <circle class="map-here" cx=format!("{x:.1}") cy=format!("{y:.1}") r="6"></circle>
                <line class="map-scale" x1="12" y1=HEIGHT - 12.0 x2=12.0 + bar y2=HEIGHT - 12.0></line>
                <text class="map-scale-label" x="12" y=HEIGHT - 18.0>{bar_label}</text>
            })
        })
    };
    let grid = grid_lines();
    let group_name = title.clone();
    let notes_id = unique_id("map-notes");
    let described_by = notes_id.clone();
    view! {
        <section class="block map" role="group" aria-label=group_name
            aria-describedby=described_by
            data-freshness=move || freshness.get().as_str()>
            <h2>{title}</h2>
            <svg class="map-drawing" role="img" aria-label=drawing_name
                viewBox=format!("0 0 {WIDTH} {HEIGHT}")>
                <rect class="map-ground" width=WIDTH height=HEIGHT></rect>
                {grid}
                {drawing}
            </svg>
            <p class="map-position">{where_now}</p>
            {move || track.with(|t| t.unreadable.clone()).map(|why| view! {
                <p class="feed-problem">{format!("The newest message has no position: {why}")}</p>
            })}
            <FeedNotes id=notes_id freshness feed />
        </section>
    }
}

fn grid_lines() -> impl IntoView {
    let columns = (1..)
        .map(|i| f64::from(i) * GRID_STEP)
        .take_while(|x| *x < WIDTH);
    let rows = (1..)
        .map(|i| f64::from(i) * GRID_STEP)
        .take_while(|y| *y < HEIGHT);
    let vertical =
        columns.map(|x| view! { <line class="map-grid" x1=x y1="0" x2=x y2=HEIGHT></line> });
    let horizontal =
        rows.map(|y| view! { <line class="map-grid" x1="0" y1=y x2=WIDTH y2=y></line> });
    view! { {vertical.collect_view()} {horizontal.collect_view()} }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_track_is_the_newest_positions_oldest_first_skipping_unreadable_ones() {
        let texts = ["1,1", "junk", "2,2", "3,3", "4,4"];
        let track = track_of(texts.iter().copied(), 4);
        let lats: Vec<f64> = track.positions.iter().map(|p| p.lat).collect();
        assert_eq!(lats, vec![2.0, 3.0, 4.0]);
        assert_eq!(track.unreadable, None);
        let track = track_of(["1,1", "nowhere"].iter().copied(), 10);
        assert_eq!(track.positions.len(), 1);
        assert_eq!(
            track.unreadable.as_deref(),
            Some("not lat,lon nor value,lat,lon[,ele]")
        );
    }
}
