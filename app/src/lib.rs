//! The customer self-service portal of a power utility: pages, server functions and the rules
//! they apply. One folder per feature; `model.rs` holds the rules as plain functions,
//! `api.rs` the server functions, `store.rs` the queries (server only), `pages.rs` the views.
//! `shell` (the document, the frame and its header) sits above the features, `ui` (leaf
//! components) below them.
#![recursion_limit = "256"]

pub mod applications;
pub mod archive;
pub mod areas;
pub mod auth;
pub mod calendar;
pub mod case;
pub mod complaints;
#[cfg(feature = "ssr")]
pub mod cookies;
pub mod customers;
#[cfg(feature = "ssr")]
pub mod db;
pub mod departments;
pub mod domain;
pub mod enums;
pub mod error;
pub mod grids;
pub mod i18n;
pub mod managers;
pub mod notifications;
pub mod outages;
pub mod reporting;
pub mod satisfaction;
pub mod shell;
pub mod suggestions;
pub mod supervision;
pub mod tickets;
pub mod time;
pub mod ui;
pub mod workorders;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Link, Meta, Stylesheet, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    path, SsrMode,
};

/// The server functions that take multipart bodies (forms with photos). Their codec cannot
/// answer a body that is not multipart, so the server checks those before they arrive.
#[cfg(feature = "ssr")]
pub const MULTIPART_ENDPOINTS: &[&str] = &[
    <tickets::api::ReportFault as leptos::server_fn::ServerFn>::PATH,
    <tickets::api::AddPhotos as leptos::server_fn::ServerFn>::PATH,
    <workorders::api::AddWorkPhotos as leptos::server_fn::ServerFn>::PATH,
    <applications::api::AddApplicationDocuments as leptos::server_fn::ServerFn>::PATH,
    <complaints::api::AddComplaintPhotos as leptos::server_fn::ServerFn>::PATH,
];

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let locale = i18n::detect_locale();
    provide_context(locale);
    let t = locale.texts();
    let stylesheet = ui::assets::use_assets().stylesheet.to_string();
    view! {
        <Stylesheet id="leptos" href=stylesheet/>
        <Title text=t.app_name/>
        <Meta name="theme-color" content="#0b5d3b"/>
        <Link rel="icon" href="/favicon.svg" type_="image/svg+xml"/>
        <Link rel="manifest" href=format!("/manifest.webmanifest?lang={}", locale.tag())/>
        <Link rel="apple-touch-icon" href="/icons/icon-192.png"/>
        // Every page waits for its data on the server and arrives whole (SsrMode::Async):
        // readable with JavaScript off, and nothing shifts when the WASM arrives.
        <Router>
            <shell::Frame>
                <Routes fallback=|| view! { <ui::Failure error=error::AppError::NotFound/> }>
                    <Route path=path!("/") view=shell::HomeRedirect ssr=SsrMode::Async/>
                    <Route path=path!("/signin") view=auth::pages::SignInPage ssr=SsrMode::Async/>
                    <Route path=path!("/me") view=customers::pages::CustomerHome ssr=SsrMode::Async/>
                    <Route path=path!("/manager") view=managers::pages::ManagerHome ssr=SsrMode::Async/>
                    <Route path=path!("/supervisor") view=supervision::pages::SupervisorHome ssr=SsrMode::Async/>
                    <Route path=path!("/supervisor/customer") view=supervision::pages::CustomerAssignmentPage ssr=SsrMode::Async/>
                    <Route path=path!("/supervisor/grids") view=grids::pages::GridsPage ssr=SsrMode::Async/>
                    <Route path=path!("/supervisor/grids/balance") view=grids::pages::BalancePage ssr=SsrMode::Async/>
                    <Route path=path!("/department") view=shell::DepartmentRoute ssr=SsrMode::Async/>
                    <Route path=path!("/report") view=shell::ReportRoute ssr=SsrMode::Async/>
                    <Route path=path!("/tickets") view=tickets::pages::MyTicketsPage ssr=SsrMode::Async/>
                    <Route path=path!("/tickets/:number") view=shell::TicketRoute ssr=SsrMode::Async/>
                    <Route path=path!("/work/:number") view=workorders::pages::WorkOrderPage ssr=SsrMode::Async/>
                    <Route path=path!("/apply") view=applications::pages::ApplyPage ssr=SsrMode::Async/>
                    <Route path=path!("/applications") view=applications::pages::ApplicationsPage ssr=SsrMode::Async/>
                    <Route path=path!("/applications/:number") view=shell::ApplicationRoute ssr=SsrMode::Async/>
                    <Route path=path!("/supervisor/applications") view=applications::pages::ApplicationsByKindPage ssr=SsrMode::Async/>
                    <Route path=path!("/complain") view=complaints::pages::ComplainPage ssr=SsrMode::Async/>
                    <Route path=path!("/complaints") view=complaints::pages::ComplaintsPage ssr=SsrMode::Async/>
                    <Route path=path!("/complaints/:number") view=complaints::pages::ComplaintPage ssr=SsrMode::Async/>
                    <Route path=path!("/suggest") view=suggestions::pages::SuggestPage ssr=SsrMode::Async/>
                    <Route path=path!("/suggestions") view=suggestions::pages::SuggestionsPage ssr=SsrMode::Async/>
                    <Route path=path!("/supervisor/suggestions") view=suggestions::pages::AnswerSuggestionsPage ssr=SsrMode::Async/>
                    <Route path=path!("/supervisor/scorecards") view=reporting::pages::ScorecardsPage ssr=SsrMode::Async/>
                    <Route path=path!("/supervisor/scorecards/cases") view=reporting::pages::FigureCasesPage ssr=SsrMode::Async/>
                    <Route path=path!("/supervisor/satisfaction") view=satisfaction::pages::SatisfactionPage ssr=SsrMode::Async/>
                    <Route path=path!("/my-record") view=reporting::pages::MyRecordPage ssr=SsrMode::Async/>
                    <Route path=path!("/supervisor/calendar") view=calendar::pages::CalendarPage ssr=SsrMode::Async/>
                    <Route path=path!("/supervisor/work-orders") view=workorders::pages::WorkByDepartmentPage ssr=SsrMode::Async/>
                    <Route path=path!("/queue") view=shell::QueueRoute ssr=SsrMode::Async/>
                    <Route path=path!("/notifications") view=notifications::pages::NotificationsPage ssr=SsrMode::Async/>
                    <Route path=path!("/supervisor/follow-ups") view=supervision::pages::FollowUpsPage ssr=SsrMode::Async/>
                    <Route path=path!("/outages") view=outages::pages::PublicOutagesPage ssr=SsrMode::Async/>
                    <Route path=path!("/outages/new") view=outages::pages::PublishOutagePage ssr=SsrMode::Async/>
                    <Route path=path!("/outages/:id") view=outages::pages::OutagePage ssr=SsrMode::Async/>
                    <Route path=path!("/my-outages") view=outages::pages::MyOutagesPage ssr=SsrMode::Async/>
                    <Route path=path!("/consultations") view=outages::consultations::ConsultationsPage ssr=SsrMode::Async/>
                    <Route path=path!("/archive/:account") view=archive::pages::ArchivePage ssr=SsrMode::Async/>
                    <Route path=path!("/supervisor/archive") view=archive::pages::ArchiveRegisterPage ssr=SsrMode::Async/>
                    <Route path=path!("/settings") view=shell::SettingsPage ssr=SsrMode::Async/>
                </Routes>
            </shell::Frame>
        </Router>
    }
}

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    leptos::mount::hydrate_islands();
    // A server function that answers with a redirect (a report filed) takes the page there.
    let _ = leptos::server_fn::redirect::set_redirect_hook(|to: &str| {
        let _ = window().location().set_href(to);
    });
}
