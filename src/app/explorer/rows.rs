//! The explorer's rows, virtualised: only the rows in view (and a few around them) are
//! in the page, whatever the number of topics, so 100,000 topics cost what 30 do.

use leptos::prelude::*;

use super::ExplorerState;
use crate::explorer::payload_view::preview;
use crate::explorer::NodeId;

/// Height of one row in CSS pixels (style/main.css `.explorer-row`): room for its
/// buttons' 44 px touch targets.
const ROW_PX: f64 = 48.0;
/// Rows drawn above and below the ones in view, so a fast scroll shows no gap.
const OVERSCAN: usize = 8;
/// Rows in view at most (the list's CSS height is at most 11 rows, and a part row).
const IN_VIEW: usize = 12;

/// The scrolling list of topics.
#[component]
pub fn TopicRows(state: ExplorerState) -> impl IntoView {
    let scroll_top = RwSignal::new(0.0);
    let total = move || {
        state.version.track();
        state.listed.with_value(Vec::len)
    };
    let first = move || ((scroll_top.get() / ROW_PX) as usize).saturating_sub(OVERSCAN);
    let window = move || {
        state.version.track();
        let first = first();
        let ids: Vec<NodeId> = state.listed.with_value(|ids| {
            let start = first.min(ids.len());
            let end = (first + IN_VIEW + 2 * OVERSCAN).min(ids.len());
            ids[start..end].to_vec()
        });
        let searching = !state.search.with_untracked(String::is_empty);
        ids.into_iter()
            .map(|id| row(state, id, searching))
            .collect_view()
    };
    view! {
        <div class="explorer-rows" tabindex="-1"
            on:scroll=move |ev| {
                let top = event_target::<web_sys::Element>(&ev).scroll_top();
                scroll_top.set(f64::from(top));
            }>
            <div class="explorer-spacer" style:height=move || format!("{}px", total() as f64 * ROW_PX)>
                <ul role="list" aria-label="Topics"
                    style:transform=move || format!("translateY({}px)", first() as f64 * ROW_PX)>
                    {window}
                </ul>
            </div>
            {move || (total() == 0).then(|| view! {
                <p class="hint explorer-empty">"No topics yet."</p>
            })}
        </div>
    }
}

/// One row: an open/close button for a branch, and the topic's name with what is known
/// of it, which selects it. In a search, the full topic names, flat.
fn row(state: ExplorerState, id: NodeId, searching: bool) -> impl IntoView {
    let tree = state.tree.get_value();
    let tree = tree.borrow();
    let Some(node) = tree.node(id) else {
        return ().into_any();
    };
    let topic = tree.topic_of(id);
    let name = if searching {
        topic.clone()
    } else if node.name.is_empty() {
        "(empty level)".to_owned()
    } else {
        node.name.to_string()
    };
    let depth = if searching {
        0
    } else {
        usize::from(node.depth)
    };
    let mut facts = Vec::new();
    if let Some(last) = &node.last {
        facts.push(preview(&last.payload, last.size, 40));
        facts.push(format!("{} msgs", node.messages));
        let rate = tree.rate_of(id);
        if rate > 0.0 {
            facts.push(format!("{rate:.1}/s"));
        }
        if last.retained {
            facts.push("retained".into());
        }
    }
    let branch = !node.children.is_empty() && !searching;
    if branch {
        facts.push(format!(
            "{} topics, {} msgs below",
            node.topics_below, node.messages_below
        ));
    }
    let expanded = node.expanded;
    let facts = facts.join(" · ");
    let selected = move || state.selected.get() == Some(id);
    let toggle = branch.then(|| {
        let label = format!("{} {topic}", if expanded { "Close" } else { "Open" });
        view! {
            <button type="button" class="explorer-toggle" aria-expanded=expanded.to_string()
                aria-label=label
                on:click=move |_| {
                    state.tree.with_value(|t| t.borrow_mut().set_expanded(id, !expanded));
                    state.relist(true);
                    state.version.update(|v| *v += 1);
                }>
                {if expanded { "▾" } else { "▸" }}
            </button>
        }
    });
    view! {
        <li class="explorer-row" class:selected=selected
            style:padding-left=format!("{}px", depth.min(20) * 16 + 4)>
            {toggle}
            <button type="button" class="explorer-topic" aria-pressed=move || selected().to_string()
                aria-label=topic.clone()
                aria-describedby=format!("explorer-facts-{id}")
                on:click=move |_| {
                    state.tree.with_value(|t| t.borrow_mut().watch(Some(id)));
                    state.selected.set(Some(id));
                }>
                <span class="explorer-name">{name}</span>
            </button>
            <span id=format!("explorer-facts-{id}") class="explorer-facts">{facts}</span>
        </li>
    }
    .into_any()
}
