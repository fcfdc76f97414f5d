//! Renders a dashboard: one block component per block, each given only its own feeds,
//! its own freshness and, for controls, a [`Commander`] for its command topic.

use leptos::prelude::*;

use super::{Block, BlockKind, Dashboard};
use crate::app::{BoundDashboard, FeedHandle, FeedsContext};
use crate::blocks::command::{qos_from_level, CommandTarget, Commander};
use crate::blocks::indicator::{Condition, Lamp};
use crate::blocks::line_chart::{ChartLine, ChartSettings};
use crate::blocks::reported::ReportedState;
use crate::blocks::staleness::{Freshness, StalePolicy};
use crate::blocks::{
    ColorPicker, DeviceApi, Gauge, HeadingBlock, Indicator, LineChart, Liveness, NumberPad,
    PushButton, Slider, Toggle, ValueBlock,
};
use crate::connection::Connection;
use crate::feeds::FeedId;

/// The open dashboard's blocks in a responsive grid.
#[component]
pub fn DashboardView(
    dashboard: Dashboard,
    /// The heading: the dashboard's title, which a rename changes while it is open.
    #[prop(into)]
    title: Signal<String>,
    bound: BoundDashboard,
    feeds: FeedsContext,
    connection: Connection,
    liveness: Liveness,
) -> impl IntoView {
    let blocks = dashboard
        .blocks
        .into_iter()
        .zip(bound.feeds)
        .map(|(block, ids)| {
            // Every binding of the block must have made a feed; an invalid topic was
            // reported above the dashboard.
            let Some(ids) = ids.into_iter().collect::<Option<Vec<FeedId>>>() else {
                return view! {
                    <section class="block broken" aria-label=block.title.clone()>
                        <h2>{block.title.clone()}</h2>
                        <p>"This block's topic is not valid; see the problems listed above."</p>
                    </section>
                }
                .into_any();
            };
            let policy =
                StalePolicy::for_block(block.stale_after_secs, block.kind.shows_readings());
            let watch = |id: FeedId| {
                let feed = feeds.handle(id);
                (feed, liveness.freshness_of(feed, policy))
            };
            let watched = ids.into_iter().map(watch).collect();
            block_view(block, watched, connection)
        })
        .collect_view();
    view! {
        <section class="dashboard" aria-labelledby="dashboard-title">
            <h2 id="dashboard-title" class="dashboard-title">{title}</h2>
            <div class="blocks">{blocks}</div>
        </section>
    }
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
