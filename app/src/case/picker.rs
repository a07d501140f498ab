//! Choosing photos from the phone: a plain file input that works without JavaScript; with it
//! (an island that finds the field by its id), thumbnails of the chosen photos and an early
//! word about files that will not be accepted, and the form is not sent with them. The rule is
//! the server's own ([`crate::case::model::check_photo_choice`]); the server still checks
//! every file by its content.
use super::model::{PHOTO_TOO_LARGE, TOO_MANY_PHOTOS};
use crate::{error::Problem, i18n::use_texts, ui::islands::LoadIslands};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What the picker says, in the page's language.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct PickerTexts {
    not_a_photo: String,
    too_large: String,
    too_many: String,
}

#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
impl PickerTexts {
    fn say(&self, problem: Problem) -> String {
        match problem {
            Problem::PhotoTooLarge { .. } => self.too_large.clone(),
            Problem::TooManyPhotos { .. } => self.too_many.clone(),
            _ => self.not_a_photo.clone(),
        }
    }
}

/// The photo field of a form; `error` is the server's message about the photos sent last.
#[component]
pub fn PhotoPicker(label: &'static str, #[prop(into)] error: Signal<Option<String>>) -> impl IntoView {
    let t = use_texts();
    let error = error.get_untracked();
    let texts = PickerTexts {
        not_a_photo: Problem::NotAPhoto.message(t),
        too_large: PHOTO_TOO_LARGE.message(t),
        too_many: TOO_MANY_PHOTOS.message(t),
    };
    view! {
        <div class="field" class:invalid=error.is_some()>
            <label for="field-photos">{label}</label>
            <input id="field-photos" type="file" name="photos" accept="image/jpeg,image/png,image/webp" multiple
                aria-describedby="field-photos-error"/>
            <ul class="previews" id="field-photos-previews" aria-label=t.photos></ul>
            <p class="field-error" id="field-photos-error" aria-live="polite">{error.clone()}</p>
        </div>
        <LoadIslands/>
        <Picker texts error/>
    }
}

#[island]
fn Picker(texts: PickerTexts, error: Option<String>) -> impl IntoView {
    #[cfg(feature = "hydrate")]
    browser::attach(texts, error);
    #[cfg(not(feature = "hydrate"))]
    let _ = (texts, error);
}

#[cfg(feature = "hydrate")]
mod browser {
    use super::PickerTexts;
    use crate::case::model::check_photo_choice;
    use leptos::prelude::*;
    use std::{cell::Cell, rc::Rc};
    use wasm_bindgen::{closure::Closure, JsCast};

    /// Looks at each choice of files (the rule over their sizes and types, and thumbnails),
    /// and keeps the form from being sent while the chosen files break the rule: the picker
    /// has said what is wrong, and sending them would only cost the upload.
    pub fn attach(texts: PickerTexts, error: Option<String>) {
        let document = document();
        let Some(input) =
            document.get_element_by_id("field-photos").and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let refused = Rc::new(Cell::new(false));
        let chosen = {
            let (input, refused) = (input.clone(), refused.clone());
            Closure::<dyn FnMut()>::new(move || {
                let files: Vec<web_sys::File> = input
                    .files()
                    .map(|list| (0..list.length()).filter_map(|i| list.get(i)).collect())
                    .unwrap_or_default();
                let described: Vec<(u64, String)> = files.iter().map(|f| (f.size() as u64, f.type_())).collect();
                let problem = check_photo_choice(described.iter().map(|(size, kind)| (*size, kind.as_str())));
                refused.set(problem.is_some());
                let message = problem.map(|p| texts.say(p)).or_else(|| error.clone());
                let document = leptos::prelude::document();
                if let Some(shown) = document.get_element_by_id("field-photos-error") {
                    shown.set_text_content(message.as_deref());
                    if let Some(Ok(Some(field))) = shown.parent_element().map(|p| p.closest(".field")) {
                        let _ = field.class_list().toggle_with_force("invalid", message.is_some());
                    }
                }
                if let Some(previews) = document.get_element_by_id("field-photos-previews") {
                    let shown = previews.query_selector_all("img").ok();
                    for img in shown.iter().flat_map(|list| (0..list.length()).filter_map(|i| list.get(i))) {
                        if let Some(src) = img.dyn_ref::<web_sys::Element>().and_then(|e| e.get_attribute("src")) {
                            let _ = web_sys::Url::revoke_object_url(&src);
                        }
                    }
                    previews.set_text_content(None);
                    for file in &files {
                        let (Ok(url), Ok(item), Ok(img)) = (
                            web_sys::Url::create_object_url_with_blob(file),
                            document.create_element("li"),
                            document.create_element("img"),
                        ) else {
                            continue;
                        };
                        let _ = img.set_attribute("src", &url);
                        let _ = img.set_attribute("alt", "");
                        let _ = item.append_child(&img);
                        let _ = previews.append_child(&item);
                    }
                }
            })
        };
        let _ = input.add_event_listener_with_callback("change", chosen.as_ref().unchecked_ref());
        let hold_back = Closure::<dyn FnMut(web_sys::Event)>::new(move |ev: web_sys::Event| {
            if refused.get() {
                ev.prevent_default();
            }
        });
        if let Some(form) = input.form() {
            let _ = form.add_event_listener_with_callback("submit", hold_back.as_ref().unchecked_ref());
        }
        // They listen for as long as the page shows the form.
        chosen.forget();
        hold_back.forget();
    }
}
