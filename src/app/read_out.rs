//! The read-out: blocks are not live regions (a 1 Hz feed would talk over everything
//! a screen reader says), so a user who wants to hear one block's values as they
//! change chooses it under **Read out changes of**. One block at a time; its new
//! values are announced politely, at most every 5 seconds (see [`spoken`]).

mod spoken;

use gloo_timers::callback::Timeout;
use leptos::prelude::*;

use super::{Dashboards, FeedsContext};
use crate::connection::wall_now_ms;
use crate::dashboards::{Block, BlockKind, EntryId};
use crate::feeds::Value;
use spoken::{Decision, Pacer, Voice};

/// How block `block` is read out, or `None` for a block with no value to read (a
/// button, a heading, an image, a text).
fn voice_of(block: &Block) -> Option<Voice> {
    let switch = match &block.kind {
        BlockKind::Toggle { .. } | BlockKind::Indicator { .. } => true,
        BlockKind::LineChart { .. }
        | BlockKind::Value { .. }
        | BlockKind::Gauge { .. }
        | BlockKind::Slider { .. }
        | BlockKind::NumberPad { .. } => false,
        _ => return None,
    };
    if block.bindings().map_or(true, |b| b.is_empty()) {
        return None;
    }
    // The settings every kind names alike, read from its JSON form.
    let json = serde_json::to_value(block).ok()?;
    let names = json
        .get("series")
        .and_then(serde_json::Value::as_array)
        .map(|series| {
            let topic_first = json.get("topic").and_then(serde_json::Value::as_str);
            topic_first
                .map(str::to_owned)
                .into_iter()
                .chain(series.iter().map(|s| {
                    s.get("label")
                        .or_else(|| s.get("topic"))
                        .and_then(serde_json::Value::as_str)
                        .unwrap_or_default()
                        .to_owned()
                }))
                .collect()
        })
        .unwrap_or_default();
    Some(Voice {
        title: block.title.clone(),
        unit: json
            .get("unit")
            .and_then(serde_json::Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        decimals: json
            .get("decimals")
            .and_then(serde_json::Value::as_u64)
            .and_then(|d| u8::try_from(d).ok()),
        thresholds: json
            .get("thresholds")
            .and_then(|t| serde_json::from_value(t.clone()).ok())
            .unwrap_or_default(),
        names,
        switch,
    })
}

/// The choice of block, and the polite live region that speaks for it.
#[component]
pub fn ReadOut(id: EntryId, dashboards: Dashboards, feeds: FeedsContext) -> impl IntoView {
    // The block chosen, by position and title (a block moved or deleted since is no
    // longer the one chosen).
    let chosen = RwSignal::new(None::<(usize, String)>);
    let options = Memo::new(move |_| {
        dashboards.with(|l| {
            l.entry(id)
                .map(|e| {
                    e.dashboard
                        .blocks
                        .iter()
                        .enumerate()
                        .filter(|(_, b)| voice_of(b).is_some())
                        .map(|(i, b)| (i, b.title.clone()))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    });
    let said = RwSignal::new(String::new());
    let pacer = StoredValue::new(Pacer::default());
    let waiting = StoredValue::new_local(None::<Timeout>);
    // Bumped when a waiting announcement's time has come.
    let due = RwSignal::new(0u32);
    Effect::new(move || {
        due.track();
        let Some((index, title)) = chosen.get() else {
            said.set(String::new());
            return;
        };
        let block = dashboards.with(|l| {
            l.entry(id)
                .and_then(|e| e.dashboard.blocks.get(index).cloned())
                .filter(|b| b.title == title)
        });
        let Some((block, voice)) = block.and_then(|b| voice_of(&b).map(|v| (b, v))) else {
            said.set(String::new());
            return;
        };
        let Some(store) = feeds.try_store() else {
            return;
        };
        let ids: Vec<_> = {
            let store = store.borrow();
            block
                .bindings()
                .unwrap_or_default()
                .iter()
                .map(|(topic, decoding)| store.find_feed(topic, decoding))
                .collect()
        };
        let values: Vec<Option<Value>> = ids
            .into_iter()
            .map(|id| {
                id.and_then(|id| feeds.handle(id).with(|f| f.latest().map(|s| s.value)))
                    .flatten()
            })
            .collect();
        let Some(sentence) = voice.say(&values) else {
            return;
        };
        match pacer
            .try_update_value(|p| p.offer(wall_now_ms(), &sentence))
            .unwrap_or(Decision::Nothing)
        {
            Decision::Speak => said.set(sentence),
            Decision::Nothing => {}
            Decision::WaitMs(ms) => {
                if waiting.with_value(Option::is_none) {
                    let timer = Timeout::new(ms.ceil() as u32, move || {
                        let _ = waiting.try_update_value(|w| *w = None);
                        let _ = due.try_update(|n| *n = n.wrapping_add(1));
                    });
                    waiting.set_value(Some(timer));
                }
            }
        }
    });

    view! {
        <div class="field read-out-choice">
            <label for="read-out">"Read out changes of"</label>
            <select id="read-out" on:change:target=move |ev| {
                let value = ev.target().value();
                let pick = value.parse::<usize>().ok().and_then(|i| {
                    options.with(|o| o.iter().find(|(index, _)| *index == i).cloned())
                });
                // The newly chosen block is said at once, not after the last one's gap.
                pacer.set_value(Pacer::default());
                chosen.set(pick);
            }>
                <option value="">"No block (read a block when you go to it)"</option>
                {move || options.get().into_iter().map(|(index, title)| view! {
                    <option value=index.to_string()>{title}</option>
                }).collect_view()}
            </select>
        </div>
        <p class="visually-hidden" role="status" aria-label="Read-out">{move || said.get()}</p>
    }
}
