//! Light and dark: following the system's setting unless the user chose one, kept in
//! this browser. The page's colours are CSS variables (`:root[data-theme="dark"]` in
//! style/main.css); canvas drawings (charts) read [`Theme::dark`] and redraw with it.

use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Where the choice is kept.
const STORAGE_KEY: &str = "feedboard-theme";

/// What the user chose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ThemeChoice {
    /// As the operating system says (`prefers-color-scheme`).
    #[default]
    System,
    Light,
    Dark,
}

impl ThemeChoice {
    pub const ALL: [ThemeChoice; 3] = [ThemeChoice::System, ThemeChoice::Light, ThemeChoice::Dark];

    pub fn key(self) -> &'static str {
        match self {
            ThemeChoice::System => "system",
            ThemeChoice::Light => "light",
            ThemeChoice::Dark => "dark",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ThemeChoice::System => "As the system",
            ThemeChoice::Light => "Light",
            ThemeChoice::Dark => "Dark",
        }
    }

    /// The choice with this key; anything else (a damaged stored value) is System.
    pub fn from_key(key: &str) -> ThemeChoice {
        ThemeChoice::ALL
            .into_iter()
            .find(|c| c.key() == key)
            .unwrap_or_default()
    }

    /// Dark or not, given what the system prefers.
    pub fn is_dark(self, system_dark: bool) -> bool {
        match self {
            ThemeChoice::System => system_dark,
            ThemeChoice::Light => false,
            ThemeChoice::Dark => true,
        }
    }
}

/// The page's theme, shared by context.
#[derive(Clone, Copy)]
pub struct Theme {
    pub choice: RwSignal<ThemeChoice>,
    /// Dark now (the choice, or the system's preference).
    pub dark: Memo<bool>,
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// Reads the stored choice, follows the system's preference, and keeps `<html
/// data-theme>` and the stored choice in step with them.
pub fn start() -> Theme {
    let stored = storage()
        .and_then(|s| s.get_item(STORAGE_KEY).ok().flatten())
        .map(|k| ThemeChoice::from_key(&k))
        .unwrap_or_default();
    let choice = RwSignal::new(stored);
    let query = web_sys::window()
        .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten());
    let system_dark = RwSignal::new(query.as_ref().is_some_and(|q| q.matches()));
    if let Some(query) = query {
        let on_change = Closure::<dyn FnMut(web_sys::MediaQueryListEvent)>::new(
            move |event: web_sys::MediaQueryListEvent| {
                let _ = system_dark.try_set(event.matches());
            },
        );
        let _ =
            query.add_event_listener_with_callback("change", on_change.as_ref().unchecked_ref());
        // For the page's lifetime, as the theme is.
        on_change.forget();
    }
    let dark = Memo::new(move |_| choice.get().is_dark(system_dark.get()));
    let apply = move |dark: bool| {
        if let Some(root) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        {
            let _ = root.set_attribute("data-theme", if dark { "dark" } else { "light" });
        }
    };
    // At once, before the first render, so a dark page never flashes light.
    apply(dark.get_untracked());
    Effect::new(move || apply(dark.get()));
    Effect::new(move || {
        let choice = choice.get();
        if let Some(storage) = storage() {
            let _ = match choice {
                ThemeChoice::System => storage.remove_item(STORAGE_KEY),
                other => storage.set_item(STORAGE_KEY, other.key()),
            };
        }
    });
    Theme { choice, dark }
}

/// The theme select, at the foot of the page.
#[component]
pub fn ThemePicker(theme: Theme) -> impl IntoView {
    view! {
        <label class="field theme-picker">
            "Theme"
            <select on:change=move |ev| {
                theme.choice.set(ThemeChoice::from_key(&event_target_value(&ev)));
            }>
                {ThemeChoice::ALL.into_iter().map(|c| view! {
                    <option value=c.key() selected=move || theme.choice.get() == c>{c.label()}</option>
                }).collect_view()}
            </select>
        </label>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_choice_overrides_the_system_and_a_damaged_one_follows_it() {
        assert!(ThemeChoice::System.is_dark(true));
        assert!(!ThemeChoice::Light.is_dark(true));
        assert!(ThemeChoice::Dark.is_dark(false));
        assert_eq!(ThemeChoice::from_key("dark"), ThemeChoice::Dark);
        assert_eq!(ThemeChoice::from_key("<script>"), ThemeChoice::System);
    }
}

#[cfg(test)]
mod contrast_tests;
