//! Islands: the few parts of a page that run in the browser (live updates, the report form's
//! checks and background sending, photo previews, sharing a location). Everything else is
//! HTML from the server, complete without JavaScript, and never part of the WASM: a page
//! without an island loads no WASM at all, and the WASM a household downloads holds only
//! these islands, not the staff pages.
//!
//! An island gets its texts from the page that renders it (as props), so the WASM carries no
//! translations; it names the page's elements by id, as the server rendered them.
use leptos::prelude::*;
use leptos_meta::Script;

/// The script that loads the WASM and starts the page's islands, in the page's `<head>`. Every
/// island's server-side wrapper renders it; the script itself runs once per page.
#[component]
pub fn LoadIslands() -> impl IntoView {
    view! { <Script type_="module">{super::assets::use_assets().loader.to_string()}</Script> }
}
