//! "Share my location" on the report form: a help for the crew, offered only where the browser
//! can give it. Without JavaScript the button never appears and nothing is sent.
use crate::i18n::use_texts;
use leptos::prelude::*;

#[component]
pub fn ShareLocation() -> impl IntoView {
    let t = use_texts();
    let (available, set_available) = signal(false);
    let (location, set_location) = signal(None::<String>);
    // Effects run only in the browser, after hydration: the server-rendered page has no button.
    Effect::new(move |_| set_available.set(true));
    let locate = move |_| {
        #[cfg(not(feature = "hydrate"))]
        let _ = set_location;
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::{closure::Closure, JsCast};
            let Ok(geolocation) = window().navigator().geolocation() else { return };
            let found = Closure::<dyn FnMut(web_sys::Position)>::new(move |position: web_sys::Position| {
                let coords = position.coords();
                set_location.set(Some(format!("{:.5},{:.5}", coords.latitude(), coords.longitude())));
            });
            let _ = geolocation.get_current_position(found.as_ref().unchecked_ref());
            // The browser calls back once, later: the closure must outlive this handler.
            found.forget();
        }
    };
    view! {
        <input type="hidden" name="location" value=move || location.get().unwrap_or_default()/>
        <Show when=move || available.get()>
            <div class="field">
                <button type="button" class="button" on:click=locate>
                    {move || if location.with(Option::is_some) { t.location_shared } else { t.share_location }}
                </button>
            </div>
        </Show>
    }
}
