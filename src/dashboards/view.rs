//! Renders a dashboard: one block component per block, each given only its own feeds
//! and its own freshness.

use leptos::prelude::*;

use super::{BlockKind, Dashboard};
use crate::app::{BoundDashboard, FeedsContext};
use crate::blocks::staleness::StalePolicy;
use crate::blocks::{Gauge, LineChart, Liveness, Toggle, ValueBlock};
use crate::connection::Connection;

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
            let Some(Some(first)) = ids.first().copied() else {
                return view! {
                    <section class="block broken" aria-label=block.title.clone()>
                        <h2>{block.title.clone()}</h2>
                        <p>"This block's topic is not valid; see the problems listed above."</p>
                    </section>
                }
                .into_any();
            };
            let feed = feeds.handle(first);
            let policy =
                StalePolicy::for_block(block.stale_after_secs, block.kind.shows_readings());
            let freshness = liveness.freshness_of(feed, policy);
            let title = block.title;
            match block.kind {
                BlockKind::LineChart {
                    unit, window_secs, ..
                } => view! { <LineChart title unit window_secs feed freshness /> }.into_any(),
                BlockKind::Toggle {
                    command_topic,
                    state_topic,
                    on_payload,
                    off_payload,
                } => view! {
                    <Toggle title command_topic state_topic on_payload off_payload
                        feed freshness connection />
                }
                .into_any(),
                BlockKind::Value {
                    unit,
                    decimals,
                    thresholds,
                    ..
                } => view! { <ValueBlock title unit decimals thresholds feed freshness /> }
                    .into_any(),
                BlockKind::Gauge {
                    min,
                    max,
                    unit,
                    decimals,
                    thresholds,
                    ..
                } => view! { <Gauge title min max unit decimals thresholds feed freshness /> }
                    .into_any(),
            }
        })
        .collect_view();
    view! {
        <section class="dashboard" aria-labelledby="dashboard-title">
            <h2 id="dashboard-title" class="dashboard-title">{title}</h2>
            <div class="blocks">{blocks}</div>
        </section>
    }
}
