//! What sits above every feature: the HTML document, the frame with its header, and `/`,
//! which sends each user to their own home. The shell may use any feature; no feature and no
//! part of `ui/` uses the shell.
pub mod api;
mod frame;

pub use frame::Frame;

use crate::{i18n, ui::Loading, App};
use api::who_am_i;
use leptos::prelude::*;
use leptos_router::components::Redirect;

/// The HTML document around the app, rendered on the server for every page.
pub fn document(options: LeptosOptions) -> impl IntoView {
    let locale = i18n::detect_locale();
    view! {
        <!DOCTYPE html>
        <html lang=locale.tag()>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
                <leptos_meta::MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// `/`: each user to their own home, anyone else to sign-in.
#[component]
pub fn HomeRedirect() -> impl IntoView {
    let who = Resource::new(|| (), |_| who_am_i());
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                let path = match who.await {
                    Ok(Some(v)) => v.role.home(),
                    _ => "/signin",
                };
                view! { <Redirect path/> }
            })}
        </Suspense>
    }
}
