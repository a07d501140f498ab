//! "Share my location" on the report form: a help for the crew, offered only where the browser
//! can give it. Without JavaScript the button never appears and nothing is sent; with it, the
//! island puts the button in the place the page keeps for it.
use super::islands::LoadIslands;
use crate::i18n::use_texts;
use leptos::prelude::*;

/// Where the button goes, once the island has started.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
const PLACE: &str = "share-location";

#[component]
pub fn ShareLocation() -> impl IntoView {
    let t = use_texts();
    view! {
        <input type="hidden" name="location" id="field-location" value=""/>
        <div id=PLACE></div>
        <LoadIslands/>
        <Locate share=t.share_location.to_owned() shared=t.location_shared.to_owned()/>
    }
}

/// `share` and `shared` are the button's words before and after the location is known.
#[island]
fn Locate(share: String, shared: String) -> impl IntoView {
    #[cfg(feature = "hydrate")]
    browser::offer(share, shared);
    #[cfg(not(feature = "hydrate"))]
    let _ = (share, shared);
}

#[cfg(feature = "hydrate")]
mod browser {
    use super::{degrees, PLACE};
    use leptos::prelude::*;
    use wasm_bindgen::{closure::Closure, JsCast};

    /// Puts the button on the page; a tap asks the browser once and fills the hidden field.
    pub fn offer(share: String, shared: String) {
        let document = document();
        let (Some(place), Ok(field), Ok(button)) =
            (document.get_element_by_id(PLACE), document.create_element("div"), document.create_element("button"))
        else {
            return;
        };
        field.set_class_name("field");
        button.set_class_name("button");
        let _ = button.set_attribute("type", "button");
        button.set_text_content(Some(&share));
        let tapped = {
            let button = button.clone();
            Closure::<dyn FnMut()>::new(move || {
                let Ok(geolocation) = window().navigator().geolocation() else { return };
                let (button, shared) = (button.clone(), shared.clone());
                let found = Closure::once_into_js(move |position: web_sys::Position| {
                    let coords = position.coords();
                    let value = format!("{},{}", degrees(coords.latitude()), degrees(coords.longitude()));
                    if let Some(input) = leptos::prelude::document().get_element_by_id("field-location") {
                        let _ = input.set_attribute("value", &value);
                    }
                    button.set_text_content(Some(&shared));
                });
                let _ = geolocation.get_current_position(found.unchecked_ref());
            })
        };
        let _ = button.add_event_listener_with_callback("click", tapped.as_ref().unchecked_ref());
        // The button stays as long as the form.
        tapped.forget();
        let _ = field.append_child(&button);
        let _ = place.append_child(&field);
    }
}

/// Degrees to five decimals (about a metre) without the float formatter, which would weigh
/// more in the WASM than the rest of the island.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
fn degrees(value: f64) -> String {
    let hundred_thousandths = (value * 100_000.0).round() as i64;
    let sign = if hundred_thousandths < 0 { "-" } else { "" };
    let n = hundred_thousandths.unsigned_abs();
    format!("{sign}{}.{:05}", n / 100_000, n % 100_000)
}

#[cfg(test)]
mod tests {
    use super::degrees;

    #[test]
    fn degrees_have_five_decimals() {
        assert_eq!(degrees(31.2304), "31.23040");
        assert_eq!(degrees(-0.000004), "0.00000");
        assert_eq!(degrees(-121.473701), "-121.47370");
        assert_eq!(degrees(0.00001), "0.00001");
    }
}
