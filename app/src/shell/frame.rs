//! The frame around every page: the header (who is signed in, their pages, notifications,
//! language, sign-out, outage banners), the page, and the repair line at the foot.
use super::api::who_am_i;
use crate::{
    auth::{api::SignOut, model::Role},
    i18n::{use_locale, use_texts, Texts},
    outages::pages::OutageBanner,
    ui::REPAIR_LINE,
};
use leptos::{prelude::*, server_fn::ServerFn};
use leptos_router::hooks::use_location;

/// Header (who is signed in, language, sign-out), the page, and the repair line at the foot.
#[component]
pub fn Frame(children: Children) -> impl IntoView {
    let t = use_texts();
    let locale = use_locale();
    let location = use_location();
    // Keyed on the path so that signing in or out, which navigates, refreshes the header.
    let viewer = Resource::new(move || location.pathname.get(), |_| who_am_i());
    view! {
        <header class="top">
            <a class="brand" href="/">{t.app_name}</a>
            <form method="post" action="/api/set_language" class="lang">
                <input type="hidden" name="lang" value=locale.other().tag()/>
                <button type="submit" class="link" lang=locale.other().tag()>{t.switch_language}</button>
            </form>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    viewer.await.ok().flatten().map(|v| view! {
                        <nav class="nav" aria-label=t.app_name>
                            {nav_links(v.role, t).into_iter().map(|(href, label)| view! { <a href=href>{label}</a> }).collect_view()}
                            <a href="/notifications" class="notices-link">
                                {t.notifications}
                                {(v.unread > 0).then(|| view! { " "<span class="count">{v.unread}</span> })}
                            </a>
                        </nav>
                        <span class="who">{v.display_name}</span>
                        <form method="post" action=SignOut::PATH class="signout">
                            <button type="submit" class="link">{t.sign_out}</button>
                        </form>
                        <div class="banners"><OutageBanner outages=v.outages/></div>
                    })
                })}
            </Transition>
        </header>
        <main>{children()}</main>
        <footer class="foot">
            <span>{t.repair_line_label}</span>" "
            <a href=format!("tel:{REPAIR_LINE}")>{REPAIR_LINE}</a>
            " · "<a href="/suggestions">{t.nav_suggestions}</a>
        </footer>
    }
}

/// Each role's own pages, in the header.
fn nav_links(role: Role, t: &'static Texts) -> Vec<(&'static str, &'static str)> {
    match role {
        Role::Customer | Role::LargeContact => {
            let mut links = vec![
                ("/me", t.nav_my_manager),
                ("/report", t.nav_report),
                ("/tickets", t.nav_my_tickets),
                ("/applications", t.nav_applications),
                ("/my-outages", t.nav_outages),
                ("/complaints", t.nav_complaints),
            ];
            if role == Role::LargeContact {
                links.push(("/consultations", t.nav_consultations));
            }
            links
        }
        Role::Manager => vec![
            ("/queue", t.nav_queue),
            ("/manager", t.nav_my_customers),
            ("/applications", t.nav_applications),
            ("/outages/new", t.nav_publish_outage),
            ("/consultations", t.nav_consultations),
            ("/complaints", t.nav_complaints_about_me),
            ("/my-record", t.nav_my_record),
        ],
        Role::Supervisor => vec![
            ("/supervisor", t.nav_managers),
            ("/supervisor/grids", t.nav_grids),
            ("/supervisor/scorecards", t.nav_scorecards),
            ("/queue", t.nav_queue),
            ("/supervisor/follow-ups", t.follow_ups),
            ("/complaints", t.nav_complaints),
            ("/supervisor/suggestions", t.nav_suggestions),
            ("/supervisor/work-orders", t.nav_work_orders),
            ("/supervisor/applications", t.nav_applications),
            ("/supervisor/calendar", t.nav_calendar),
            ("/supervisor/archive", t.nav_archive),
            ("/outages/new", t.nav_publish_outage),
        ],
        Role::Department => vec![("/department", t.nav_work_orders)],
    }
}
