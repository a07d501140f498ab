//! Live updates in the browser: when the server says something changed, the page's live region
//! is fetched anew from the server (the same page, rendered with its access rules) and put in
//! place of the old one. Without JavaScript nothing of this runs, and a page is up to date on
//! every load.
//!
//! The browser reconnects a dropped stream by itself, and the server then says "changed" at
//! once (it knows a reconnection by `Last-Event-ID`). A reconnection the server refused (the
//! database down, every process restarting) closes the stream for good: then a new one is
//! opened after a pause that doubles up to [`RETRY_MAX_MS`], and the page refreshes once it
//! is back.
use super::islands::LoadIslands;
use leptos::prelude::*;

/// The longest pause between attempts to reopen a refused stream.
#[cfg(feature = "hydrate")]
const RETRY_MAX_MS: u64 = 30_000;

/// The id of the element a page's live updates refresh.
const REGION: &str = "live";

/// The page's live region: `children`, drawn anew from the server whenever the server-sent
/// events at `url` say something changed. Forms inside it keep what is being typed: the
/// refresh waits.
#[component]
pub fn LiveRegion(url: String, children: Children) -> impl IntoView {
    view! {
        <div id=REGION>{children()}</div>
        <LoadIslands/>
        <Live url/>
    }
}

#[island]
fn Live(url: String) -> impl IntoView {
    #[cfg(feature = "hydrate")]
    browser::follow(url);
    #[cfg(not(feature = "hydrate"))]
    let _ = url;
}

#[cfg(feature = "hydrate")]
mod browser {
    use super::{REGION, RETRY_MAX_MS};
    use leptos::prelude::*;
    use std::{cell::Cell, rc::Rc};
    use wasm_bindgen::{closure::Closure, JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;

    /// Listens to the stream at `url` for as long as the page is open.
    pub fn follow(url: String) {
        open(Rc::from(url), Rc::new(Refresher::default()), 1_000, false);
    }

    /// Opens the stream; when the server refuses a reconnection, opens it again after
    /// `pause_ms` (doubling up to [`RETRY_MAX_MS`]). `reopened`: a stream opened after such a
    /// refusal may have missed changes, so its first `ready` refreshes the page.
    fn open(url: Rc<str>, refresher: Rc<Refresher>, pause_ms: u64, reopened: bool) {
        let Ok(source) = web_sys::EventSource::new(&url) else { return };
        let reopened = Cell::new(reopened);
        let on_ready = {
            let refresher = refresher.clone();
            Closure::<dyn FnMut()>::new(move || {
                if reopened.replace(false) {
                    refresher.clone().refresh();
                }
            })
        };
        let on_changed = {
            let refresher = refresher.clone();
            Closure::<dyn FnMut()>::new(move || refresher.clone().refresh())
        };
        let on_error = {
            let source = source.clone();
            Closure::<dyn FnMut()>::new(move || {
                // The browser retries a dropped stream itself; a refused one it closes for good.
                if source.ready_state() == web_sys::EventSource::CLOSED {
                    let (url, refresher) = (url.clone(), refresher.clone());
                    let pause = (pause_ms * 2).min(RETRY_MAX_MS);
                    set_timeout(move || open(url, refresher, pause, true), std::time::Duration::from_millis(pause_ms));
                }
            })
        };
        for (event, listener) in [("ready", &on_ready), ("changed", &on_changed), ("error", &on_error)] {
            let _ = source.add_event_listener_with_callback(event, listener.as_ref().unchecked_ref());
        }
        // They live as long as their stream: the page's whole life, or until it is refused.
        on_ready.forget();
        on_changed.forget();
        on_error.forget();
    }

    /// Refreshes the live region one fetch at a time: changes heard while one is under way
    /// lead to one more, not one each.
    #[derive(Default)]
    struct Refresher {
        running: Cell<bool>,
        again: Cell<bool>,
    }

    impl Refresher {
        fn refresh(self: Rc<Self>) {
            if self.running.replace(true) {
                self.again.set(true);
                return;
            }
            leptos::task::spawn_local(async move {
                loop {
                    self.again.set(false);
                    refresh().await;
                    if !self.again.get() {
                        break;
                    }
                }
                self.running.set(false);
            });
        }
    }

    /// Whether someone is typing in the region, or has typed there and not sent it: a refresh
    /// would throw their words away, so it waits.
    fn typing(region: &web_sys::Element) -> bool {
        let focused = document().active_element().is_some_and(|active| {
            region.contains(Some(&active)) && matches!(active.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
        });
        let typed =
            region.query_selector_all("textarea, input[type=text], input[type=tel]").ok().is_some_and(|fields| {
                (0..fields.length()).filter_map(|i| fields.get(i)).any(|field| {
                    let value = js_sys::Reflect::get(&field, &"value".into()).ok().and_then(|v| v.as_string());
                    let initial = js_sys::Reflect::get(&field, &"defaultValue".into()).ok().and_then(|v| v.as_string());
                    value != initial
                })
            });
        focused || typed
    }

    /// Fetches the page anew and puts its live region in place of the shown one; the islands
    /// in the new region start as the page's did.
    async fn refresh() {
        loop {
            let Some(region) = document().get_element_by_id(REGION) else { return };
            if !typing(&region) {
                break;
            }
            sleep(2_000).await;
        }
        let Ok(href) = window().location().href() else { return };
        let Ok(Some(html)) = page(&href).await else { return };
        let Ok(parser) = web_sys::DomParser::new() else { return };
        let Ok(fresh) = parser.parse_from_string(&html, web_sys::SupportedType::TextHtml) else { return };
        let (Some(fresh), Some(shown)) = (fresh.get_element_by_id(REGION), document().get_element_by_id(REGION)) else {
            return;
        };
        if shown.replace_with_with_node_1(&fresh).is_err() {
            return;
        }
        let hydrate = js_sys::Reflect::get(&window(), &"__portalHydrate".into()).ok();
        if let Some(hydrate) = hydrate.and_then(|h| h.dyn_into::<js_sys::Function>().ok()) {
            let _ = hydrate.call1(&JsValue::NULL, &fresh);
        }
    }

    /// The page at `href` as the server renders it now; `None` when it answers with an error
    /// or sends elsewhere (signed out, gone): the shown page stays until the person acts.
    async fn page(href: &str) -> Result<Option<String>, JsValue> {
        let response: web_sys::Response = JsFuture::from(window().fetch_with_str(href)).await?.dyn_into()?;
        if !response.ok() || response.redirected() {
            return Ok(None);
        }
        Ok(JsFuture::from(response.text()?).await?.as_string())
    }

    async fn sleep(ms: u64) {
        let (done, wait) = futures::channel::oneshot::channel::<()>();
        set_timeout(
            move || {
                let _ = done.send(());
            },
            std::time::Duration::from_millis(ms),
        );
        let _ = wait.await;
    }
}
