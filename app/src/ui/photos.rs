//! Choosing photos from the phone: a plain file input that works without JavaScript; with it,
//! thumbnails of the chosen photos and an early word about files that will not be accepted.
use crate::{error::Problem, i18n::use_texts};
use leptos::prelude::*;

/// `choice` holds what the browser's own look at the chosen files found wrong, for the form to
/// stop a submission the server would refuse anyway; `check` is that look: the feature's rule
/// over each chosen file's size in bytes and type, the same rule its server applies.
#[component]
pub fn PhotoPicker(
    label: &'static str,
    #[prop(into)] error: Signal<Option<String>>,
    choice: RwSignal<Option<Problem>>,
    check: fn(&[(u64, &str)]) -> Option<Problem>,
) -> impl IntoView {
    let t = use_texts();
    let (previews, set_previews) = signal(Vec::<String>::new());
    let message = Signal::derive(move || choice.get().map(|p| p.message(t)).or_else(|| error.get()));
    let chosen = move |ev: leptos::ev::Event| {
        #[cfg(not(feature = "hydrate"))]
        let _ = (ev, set_previews, check);
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else {
                return;
            };
            for url in previews.get_untracked() {
                let _ = web_sys::Url::revoke_object_url(&url);
            }
            let files: Vec<web_sys::File> =
                input.files().map(|list| (0..list.length()).filter_map(|i| list.get(i)).collect()).unwrap_or_default();
            let described: Vec<(u64, String)> = files.iter().map(|f| (f.size() as u64, f.type_())).collect();
            let described: Vec<(u64, &str)> = described.iter().map(|(size, kind)| (*size, kind.as_str())).collect();
            choice.set(check(&described));
            set_previews.set(files.iter().filter_map(|f| web_sys::Url::create_object_url_with_blob(f).ok()).collect());
        }
    };
    view! {
        <div class="field" class:invalid=move || message.with(Option::is_some)>
            <label for="field-photos">{label}</label>
            <input id="field-photos" type="file" name="photos" accept="image/jpeg,image/png,image/webp" multiple
                aria-describedby="field-photos-error" on:change=chosen/>
            <ul class="previews" aria-label=t.photos>
                {move || previews.get().into_iter().map(|src| view! { <li><img src=src alt=""/></li> }).collect_view()}
            </ul>
            <p class="field-error" id="field-photos-error" aria-live="polite">{move || message.get()}</p>
        </div>
    }
}
