//! What sits above every feature: the HTML document, the frame with its header, and `/`,
//! which sends each user to their own home. The shell may use any feature; no feature and no
//! part of `ui/` uses the shell.
pub mod api;
#[cfg(feature = "ssr")]
pub mod echo;
mod frame;
#[cfg(feature = "ssr")]
mod store;

pub use frame::Frame;

use crate::{error::AppError, i18n, ui::Loaded, App};
use api::who_am_i;
use leptos::{nonce::use_nonce, prelude::*};
use leptos_router::components::Redirect;

/// The HTML document around the app, rendered on the server for every page. The app runs in
/// islands (`ui::islands`): a page is complete HTML, and only a page with an island loads the
/// WASM, which then marks the page `data-hydrated`.
pub fn document(options: LeptosOptions) -> impl IntoView {
    let locale = i18n::detect_locale();
    // Nothing outside an island is hydrated: no hydration markers, no serialized resources.
    if let Some(context) = Owner::current_shared_context() {
        context.set_is_hydrating(false);
    }
    #[cfg(feature = "ssr")]
    send_content_security_policy();
    view! {
        <!DOCTYPE html>
        <html lang=locale.tag()>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <AutoReload options/>
                <leptos_meta::MetaTags/>
                // The service worker (offline page, see server::pwa) once the page has loaded.
                <script nonce=use_nonce() inner_html=include_str!("register-sw.js")></script>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// What a page may load and run: only the site's own files, and of inline scripts only those
/// the page itself wrote, allowed by `inline_scripts`: this render's nonce (`'nonce-…'`, on
/// each of its scripts), or, for a page kept and sent to many visitors, the hashes of its
/// scripts' texts (`'sha256-…'`, see `server::lookup_cache`). Markup that slipped into a page
/// through a bug still could not run a script, load one from elsewhere, send a form elsewhere
/// or frame the page. WASM needs `'wasm-unsafe-eval'` to be compiled; photo previews are
/// `blob:` images.
#[cfg(feature = "ssr")]
pub fn content_security_policy(inline_scripts: &str) -> String {
    let scripts = ["'self'", inline_scripts, "'wasm-unsafe-eval'"].into_iter().filter(|s| !s.is_empty());
    format!(
        "default-src 'self'; script-src {}; style-src 'self'; \
         img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; \
         form-action 'self'; frame-ancestors 'none'",
        scripts.collect::<Vec<_>>().join(" ")
    )
}

/// The policy of a page sent alike to many visitors (a kept look-up page, the offline page): a
/// nonce would be the same for all of them, so its inline scripts are allowed by the SHA-256 of
/// their texts (`'sha256-…'`), exactly those scripts and no other. Scripts loaded from the
/// site's files (`src`) need none.
#[cfg(feature = "ssr")]
pub fn content_security_policy_for(page: &str) -> String {
    use base64::{engine::general_purpose::STANDARD, Engine};
    use sha2::{Digest, Sha256};
    let mut hashes: Vec<String> = Vec::new();
    let mut rest = page;
    while let Some(at) = rest.find("<script") {
        let Some((tag, after)) = rest[at..].split_once('>') else { break };
        let Some((text, after)) = after.split_once("</script>") else { break };
        if !tag.contains(" src=") {
            let hash = format!("'sha256-{}'", STANDARD.encode(Sha256::digest(text.as_bytes())));
            if !hashes.contains(&hash) {
                hashes.push(hash);
            }
        }
        rest = after;
    }
    content_security_policy(&hashes.join(" "))
}

/// Sends this render's policy with the page: the document is the first thing a render makes,
/// before anything of the page is sent, so the header goes out with it.
#[cfg(feature = "ssr")]
fn send_content_security_policy() {
    let (Some(nonce), Some(response)) = (use_nonce(), use_context::<leptos_axum::ResponseOptions>()) else {
        return;
    };
    if let Ok(policy) = http::HeaderValue::from_str(&content_security_policy(&format!("'nonce-{nonce}'"))) {
        response.insert_header(http::header::CONTENT_SECURITY_POLICY, policy);
    }
}

/// `/`: each user to their own home, anyone else to sign-in.
#[component]
pub fn HomeRedirect() -> impl IntoView {
    let who = Resource::new(|| (), |_| who_am_i());
    // Any failure to tell who it is means sign-in, not an error page.
    let to_sign_in = |_: AppError| view! { <Redirect path="/signin"/> }.into_any();
    view! {
        <Loaded resource=who failed=to_sign_in let:viewer>
            <Redirect path=viewer.map_or("/signin", |v| v.role.home())/>
        </Loaded>
    }
}

/// `/report`: the fault-report form, with the outages already under way in the customer's
/// areas said first (so the tickets feature need not know outages). Their look-up starts here,
/// beside the form's own: a resource made inside a `Suspense`'s content is made anew each time
/// the server walks that content, and the ones left behind run without the request's context.
#[component]
pub fn ReportRoute() -> impl IntoView {
    let under_way = Resource::new(|| (), |_| crate::outages::api::outages_under_way());
    let notice = ViewFn::from(move || view! { <crate::outages::pages::KnownOutages under_way/> });
    view! { <crate::tickets::pages::ReportPage notice/> }
}

/// `/queue`: the manager's queue, with the storm panel above it refreshed by the same live
/// updates. Anyone else gets the page for a missing address and nothing of the queue's (the
/// queue's own server functions refuse them).
#[component]
pub fn QueueRoute() -> impl IntoView {
    let above = ViewFn::from(|| {
        view! {
            <crate::outages::pages::StormPanel/>
            <crate::workorders::pages::QueueWorkOrders/>
        }
    });
    view! { <crate::tickets::pages::QueuePage above/> }
}

/// `/tickets/:number`: the ticket, with the work handed to back-office departments below it
/// (the customer's line per work order; staff's list and hand-off form), refreshed by the
/// ticket page's own live updates.
#[component]
pub fn TicketRoute() -> impl IntoView {
    let below = ViewFn::from(|| view! { <crate::workorders::pages::CaseWorkPanel/> });
    view! { <crate::tickets::pages::TicketPage below/> }
}

/// `/applications/:number`: the application, with the work handed to departments for its
/// steps below it, refreshed by the application page's own live updates.
#[component]
pub fn ApplicationRoute() -> impl IntoView {
    let below = ViewFn::from(|| view! { <crate::workorders::pages::CaseWorkPanel/> });
    view! { <crate::applications::pages::ApplicationPage below/> }
}

/// `/department`: the staff member's department, and its work list.
#[component]
pub fn DepartmentRoute() -> impl IntoView {
    view! {
        <crate::departments::pages::DepartmentHome/>
        <crate::workorders::pages::WorkList/>
    }
}

/// `/settings`: how the portal reaches this person, and (for customers) who at the utility has
/// read their personal data.
#[component]
pub fn SettingsPage() -> impl IntoView {
    view! {
        <crate::notifications::pages::ContactPreferencesPage/>
        <crate::archive::pages::DataReadings/>
    }
}
