//! The number pad: type a number (a set-point, a dose), press Send; refused with the
//! reason when it is not a number or outside the block's bounds.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use super::command::{CommandStatus, Commander};
use super::number_format::format_number;
use super::reported::{ReportedLine, ReportedState};
use crate::feeds::number_text::parse_f64;

/// Why typed text is not a number to send; `None` when it is, with its payload.
pub fn check_number(text: &str, min: Option<f64>, max: Option<f64>) -> Result<String, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("Type a number first".into());
    }
    let value = parse_f64(text)
        .filter(|v| v.is_finite())
        .ok_or_else(|| format!("Not a number: {text}"))?;
    if let Some(lo) = min.filter(|lo| value < *lo) {
        return Err(format!("Must be at least {}", format_number(lo, None)));
    }
    if let Some(hi) = max.filter(|hi| value > *hi) {
        return Err(format!("Must be at most {}", format_number(hi, None)));
    }
    Ok(format_number(value, None))
}

/// A number field and a Send button bound to a command topic.
#[component]
pub fn NumberPad(
    title: String,
    min: Option<f64>,
    max: Option<f64>,
    unit: String,
    commander: Commander,
    /// The state topic and its feed, when the block has one.
    reported: Option<(String, ReportedState)>,
) -> impl IntoView {
    let typed = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let on_submit = move |e: SubmitEvent| {
        e.prevent_default();
        match check_number(&typed.get_untracked(), min, max) {
            Ok(payload) => {
                problem.set(None);
                commander.send(&payload);
            }
            Err(why) => problem.set(Some(why)),
        }
    };
    let field_name = if unit.is_empty() {
        title.clone()
    } else {
        format!("{title} ({unit})")
    };
    let hint = format!("Publishes to {}", commander.topic());
    let heading = title.clone();
    let section_name = title.clone();
    let send_name = format!("Send {title}");
    view! {
        <section class="block number-pad" aria-label=section_name>
            <h2>{heading}</h2>
            <form class="number-pad" on:submit=on_submit>
                <input type="text" inputmode="decimal" aria-label=field_name
                    aria-invalid=move || problem.with(Option::is_some).to_string()
                    prop:value=move || typed.get()
                    on:input=move |e| typed.set(event_target_value(&e)) />
                <button type="submit" aria-label=send_name>"Send"</button>
            </form>
            {move || problem.get().map(|p| view! { <p class="error" role="alert">{p}</p> })}
            <p class="hint">{hint}</p>
            {reported.map(|(state_topic, state)| view! { <ReportedLine state unit state_topic /> })}
            <CommandStatus commander />
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_typed_number_is_sent_in_its_shortest_form() {
        assert_eq!(check_number(" 21.50 ", None, None), Ok("21.5".into()));
        assert_eq!(check_number("007", None, None), Ok("7".into()));
        assert_eq!(check_number("-0", None, None), Ok("0".into()));
    }

    #[test]
    fn text_that_is_not_a_number_is_refused_quoting_it() {
        assert_eq!(
            check_number("abc", None, None),
            Err("Not a number: abc".into())
        );
        assert_eq!(
            check_number("  ", None, None),
            Err("Type a number first".into())
        );
        assert_eq!(
            check_number("inf", None, None),
            Err("Not a number: inf".into())
        );
    }

    #[test]
    fn numbers_outside_the_bounds_are_refused_naming_the_bound() {
        assert_eq!(
            check_number("4", Some(5.0), None),
            Err("Must be at least 5".into())
        );
        assert_eq!(
            check_number("30.5", None, Some(30.0)),
            Err("Must be at most 30".into())
        );
        assert_eq!(check_number("5", Some(5.0), Some(5.0)), Ok("5".into()));
    }
}
