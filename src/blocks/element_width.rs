//! The rendered width of an element, kept up to date by a `ResizeObserver`.
//!
//! Reading `clientWidth` while drawing forces the browser to lay out the page
//! synchronously, every frame; the observer reports the width only when it changes,
//! and a change also redraws whatever depends on it.

use leptos::html::ElementType;
use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{ResizeObserver, ResizeObserverEntry};

/// The CSS-pixel width of `node`'s element (0 until it is laid out).
pub fn use_element_width<E>(node: NodeRef<E>) -> ReadSignal<u32>
where
    E: ElementType + 'static,
    E::Output: JsCast + Clone + 'static,
{
    let (width, set_width) = signal(0_u32);
    let observer =
        StoredValue::new_local(None::<(ResizeObserver, Closure<dyn FnMut(js_sys::Array)>)>);
    Effect::new(move |_| {
        let Some(element) = node.get() else { return };
        let Some(element) = element.dyn_ref::<web_sys::Element>().cloned() else {
            return;
        };
        let on_resize = Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
            let Ok(entry) = entries.get(0).dyn_into::<ResizeObserverEntry>() else {
                return;
            };
            let observed = entry.content_rect().width().round().max(0.0) as u32;
            if observed != width.get_untracked() {
                set_width.set(observed);
            }
        });
        let Ok(resize) = ResizeObserver::new(on_resize.as_ref().unchecked_ref()) else {
            return;
        };
        resize.observe(&element);
        observer.set_value(Some((resize, on_resize)));
    });
    on_cleanup(move || {
        observer.update_value(|o| {
            if let Some((resize, _)) = o.take() {
                resize.disconnect();
            }
        });
    });
    width
}
