//! Renders a dashboard: one block component per block, each given only its own feeds,
//! its own freshness and, for controls, a [`Commander`] for its command topic.

use leptos::prelude::*;

use crate::app::Alerts;

use super::block_tools::BlockTools;
use super::{Block, BlockKind, EntryId};
use crate::app::{BoundBlock, Dashboards, FeedHandle, FeedsContext};
use crate::blocks::command::{qos_from_level, CommandTarget, Commander};
use crate::blocks::indicator::{Condition, Lamp};
use crate::blocks::line_chart::{ChartLine, ChartSettings};
use crate::blocks::reported::ReportedState;
use crate::blocks::staleness::{Freshness, StalePolicy};
use crate::blocks::{
    ColorPicker, DeviceApi, Gauge, HeadingBlock, ImageBlock, Indicator, LineChart, Liveness,
    MapBlock, NumberPad, PushButton, Slider, Stream, TextBlock, Toggle, ValueBlock,
};
use crate::connection::Connection;
use crate::feeds::FeedId;

/// The open dashboard's blocks in a responsive grid, following the library: a block
/// added, edited, moved or removed changes only its own place in the grid, and the
/// others keep their state (a chart its canvas, a control its pending command).
#[component]
pub fn DashboardView(
    /// Which dashboard of the library.
    id: EntryId,
    dashboards: Dashboards,
    feeds: FeedsContext,
    connection: Connection,
    liveness: Liveness,
    /// The layout editor is on: each block shows its tools.
    #[prop(into)]
    editing: Signal<bool>,
    /// Told the position of a block whose Edit button was pressed.
    on_edit: Callback<usize>,
) -> impl IntoView {
    let rows = Memo::new(move |_| {
        dashboards.with(|l| {
            l.entry(id)
                .map(|e| keyed_rows(&e.dashboard.blocks))
                .unwrap_or_default()
        })
    });
    let title = move || {
        dashboards.with(|l| {
            l.entry(id)
                .map(|e| e.dashboard.title.clone())
                .unwrap_or_default()
        })
    };
    let slot = move |row: Row| {
        let bound = bind_and_subscribe(feeds, connection, &row.block);
        let key = row.key;
        let position = Signal::derive(move || rows.with(|r| r.iter().position(|x| x.key == key)));
        let count = Signal::derive(move || rows.with(Vec::len));
        let columns = row.block.columns;
        let span = row.block.kind.spans_the_row();
        let tools_title = row.block.title.clone();
        let topics: Vec<String> = row
            .block
            .bindings()
            .map(|b| b.into_iter().map(|(topic, _)| topic).collect())
            .unwrap_or_default();
        let alerts = use_context::<Alerts>();
        let firing = Memo::new(move |_| alerts.and_then(|a| a.firing_for(&topics)));
        let body = block_with_feeds(row.block, bound, feeds, connection, liveness);
        view! {
            <div class="block-slot" data-columns=columns.map(|c| c.to_string())
                data-full-row=span.then_some("")
                data-alert=move || firing.get().map(|(level, _)| level.label().to_lowercase())>
                {move || firing.get().map(|(level, names)| view! {
                    <p class="block-alert">{format!("{}: {}", level.label(), names.join(", "))}</p>
                })}
                {body}
                {move || editing.get().then(|| view! {
                    <BlockTools title=tools_title.clone() position count columns dashboards
                        id on_edit />
                })}
            </div>
        }
    };
    view! {
        <section class="dashboard" aria-labelledby="dashboard-title">
            <h2 id="dashboard-title" class="dashboard-title">{title}</h2>
            <div class="blocks">
                <For each=move || rows.get() key=|row| row.key.clone() children=slot />
            </div>
        </section>
    }
}

/// A block with a key that stays the same while the block does: its JSON, and which
/// copy it is among identical blocks.
#[derive(Debug, Clone, PartialEq)]
struct Row {
    key: String,
    block: Block,
}

fn keyed_rows(blocks: &[Block]) -> Vec<Row> {
    let mut rows: Vec<Row> = Vec::with_capacity(blocks.len());
    for block in blocks {
        let json = serde_json::to_string(block).unwrap_or_default();
        let copies = rows.iter().filter(|r| r.key.starts_with(&json)).count();
        rows.push(Row {
            key: format!("{json}#{copies}"),
            block: block.clone(),
        });
    }
    rows
}

/// Binds `block`'s feeds and subscribes to the filters that are new to the store (a
/// block added while connected). Filters already subscribed are not sent again: the
/// broker would resend their retained messages to the feeds that have them. When the
/// current owner (the block's place on the dashboard, or the wizard's preview) is
/// cleaned up, the feeds are given back and the filters nothing reads any more are
/// unsubscribed.
pub(crate) fn bind_and_subscribe(
    feeds: FeedsContext,
    connection: Connection,
    block: &Block,
) -> BoundBlock {
    let before = feeds.filters();
    let bound = feeds.bind(block);
    let new: Vec<String> = feeds
        .filters()
        .into_iter()
        .filter(|f| !before.contains(f))
        .collect();
    if !new.is_empty() {
        // After this render: subscribing updates the connection's signals.
        queue_microtask(move || {
            if let Err(problem) = connection.subscribe(new) {
                leptos::logging::warn!("subscribing for a new block: {problem}");
            }
        });
    }
    let ids: Vec<FeedId> = bound.feeds.iter().flatten().copied().collect();
    on_cleanup(move || {
        // After the render that removed the block: an edited block is removed and
        // added in one render, and its feeds should stay subscribed all along.
        queue_microtask(move || feeds.release(connection, &ids));
    });
    bound
}

/// The block's view once bound, or why it cannot show.
pub(crate) fn block_with_feeds(
    block: Block,
    bound: BoundBlock,
    feeds: FeedsContext,
    connection: Connection,
    liveness: Liveness,
) -> AnyView {
    // Every binding of the block must have made a feed; an imported dashboard is
    // untrusted, so an invalid topic is said on the block itself.
    let Some(ids) = bound.all_feeds() else {
        return view! {
            <section class="block broken" aria-label=block.title.clone()>
                <h2>{block.title.clone()}</h2>
                <ul class="notices">
                    {bound.errors.into_iter().map(|e| view! { <li>{e}</li> }).collect_view()}
                </ul>
            </section>
        }
        .into_any();
    };
    let policy = StalePolicy::for_block(block.stale_after_secs, block.kind.shows_readings());
    let watch = |id: FeedId| {
        let feed = feeds.handle(id);
        (feed, liveness.freshness_of(feed, policy))
    };
    let watched = ids.into_iter().map(watch).collect();
    block_view(block, watched, connection)
}

/// One block, given its feeds (in the order of its bindings) and their freshness.
fn block_view(
    block: Block,
    feeds: Vec<(FeedHandle, Memo<Freshness>)>,
    connection: Connection,
) -> AnyView {
    let title = block.title;
    let feed = feeds.first().copied();
    let commander = |topic: &str, qos: u8, retain: bool| {
        Commander::new(
            connection,
            CommandTarget {
                topic: topic.to_owned(),
                qos: qos_from_level(qos),
                retain,
            },
        )
    };
    let reported = |state_topic: Option<String>| {
        state_topic.zip(feed.map(|(feed, freshness)| ReportedState { feed, freshness }))
    };
    match (block.kind, feed) {
        (
            BlockKind::LineChart {
                series,
                unit,
                window_secs,
                y_min,
                y_max,
                y_label,
                decimals,
                stepped,
                thresholds,
                ..
            },
            Some(_),
        ) => {
            // One name per feed: none for a chart of one topic, the legend's otherwise.
            let names = series.iter().map(|s| s.name().to_owned());
            let names: Vec<String> = if series.is_empty() {
                vec![String::new()]
            } else {
                names.collect()
            };
            let lines = names
                .into_iter()
                .zip(feeds)
                .map(|(name, (feed, freshness))| ChartLine {
                    name,
                    feed,
                    freshness,
                })
                .collect();
            let settings = ChartSettings {
                unit,
                window_secs,
                y_min,
                y_max,
                y_label,
                decimals,
                stepped,
                thresholds,
            };
            view! { <LineChart title settings lines /> }.into_any()
        }
        (
            BlockKind::Toggle {
                command_topic,
                state_topic,
                on_payload,
                off_payload,
                qos,
                retain,
            },
            Some((feed, freshness)),
        ) => {
            let commander = commander(&command_topic, qos, retain);
            view! {
                <Toggle title commander state_topic on_payload off_payload feed freshness />
            }
            .into_any()
        }
        (
            BlockKind::Value {
                unit,
                decimals,
                thresholds,
                ..
            },
            Some((feed, freshness)),
        ) => view! { <ValueBlock title unit decimals thresholds feed freshness /> }.into_any(),
        (
            BlockKind::Gauge {
                min,
                max,
                unit,
                decimals,
                thresholds,
                ..
            },
            Some((feed, freshness)),
        ) => view! { <Gauge title min max unit decimals thresholds feed freshness /> }.into_any(),
        (
            BlockKind::Button {
                command_topic,
                label,
                press_payload,
                release_payload,
                qos,
                retain,
            },
            _,
        ) => {
            let commander = commander(&command_topic, qos, retain);
            let label = label.unwrap_or_else(|| title.clone());
            view! { <PushButton title label press_payload release_payload commander /> }.into_any()
        }
        (
            BlockKind::Slider {
                command_topic,
                state_topic,
                min,
                max,
                step,
                unit,
                qos,
                retain,
            },
            _,
        ) => {
            let commander = commander(&command_topic, qos, retain);
            let reported = reported(state_topic);
            view! { <Slider title min max step unit commander reported /> }.into_any()
        }
        (
            BlockKind::NumberPad {
                command_topic,
                state_topic,
                min,
                max,
                unit,
                qos,
                retain,
            },
            _,
        ) => {
            let commander = commander(&command_topic, qos, retain);
            let reported = reported(state_topic);
            view! { <NumberPad title min max unit commander reported /> }.into_any()
        }
        (
            BlockKind::ColorPicker {
                command_topic,
                initial,
                qos,
                retain,
            },
            _,
        ) => {
            let commander = commander(&command_topic, qos, retain);
            view! { <ColorPicker title initial commander /> }.into_any()
        }
        (
            BlockKind::DeviceApi {
                user,
                device,
                endpoints,
                timeout_secs,
            },
            _,
        ) => view! { <DeviceApi title user device endpoints timeout_secs connection /> }.into_any(),
        (
            BlockKind::Indicator {
                above,
                below,
                on_text,
                off_text,
                on_colour,
                off_colour,
                ..
            },
            Some((feed, freshness)),
        ) => {
            let condition = match (above, below) {
                (Some(bound), _) => Condition::Above(bound),
                (_, Some(bound)) => Condition::Below(bound),
                _ => Condition::Payload,
            };
            let lamp = Lamp {
                on_text,
                off_text,
                on_colour,
                off_colour,
            };
            view! { <Indicator title condition lamp feed freshness /> }.into_any()
        }
        (BlockKind::Heading { text }, _) => view! { <HeadingBlock title text /> }.into_any(),
        (BlockKind::Text { .. }, Some((feed, freshness))) => {
            view! { <TextBlock title feed freshness /> }.into_any()
        }
        (BlockKind::Stream { lines, .. }, Some((feed, freshness))) => {
            view! { <Stream title lines feed freshness /> }.into_any()
        }
        (BlockKind::Image { .. }, Some((feed, freshness))) => {
            view! { <ImageBlock title feed freshness /> }.into_any()
        }
        (BlockKind::Map { points, .. }, Some((feed, freshness))) => {
            view! { <MapBlock title points feed freshness /> }.into_any()
        }
        // A block of readings always has its feed (its binding is its topic).
        (_, None) => view! {
            <section class="block broken" aria-label=title.clone()>
                <h2>{title.clone()}</h2>
                <p>"This block has no feed to show."</p>
            </section>
        }
        .into_any(),
    }
}
