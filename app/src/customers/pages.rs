//! The customer home: my manager and my account(s).
use super::api::{my_service, ServiceOverview};
use crate::{
    i18n::{fill, use_locale, use_texts},
    managers::model::ManagerCard,
    ui::{Loaded, REPAIR_LINE},
};
use leptos::prelude::*;

#[component]
pub fn CustomerHome() -> impl IntoView {
    let service = Resource::new(|| (), |_| my_service());
    view! {
        <Loaded resource=service let:service>
            <MyServiceView service/>
        </Loaded>
    }
}

#[component]
fn MyServiceView(service: ServiceOverview) -> impl IntoView {
    let t = use_texts();
    let locale = use_locale();
    let heading = if service.managers.len() > 1 { t.my_managers } else { t.my_manager };
    let sites_heading = if service.company.is_some() { t.company_sites } else { t.my_account };
    view! {
        {service.company.map(|name| view! { <p class="company">{name}</p> })}
        <h1>{heading}</h1>
        {service.managers.into_iter().map(|card| view! { <ManagerCardView card/> }).collect_view()}
        <h2>{sites_heading}</h2>
        <ul class="sites">
            {service.sites.into_iter().map(|site| view! {
                <li class="card site">
                    <p class="site-name">{site.name}</p>
                    <dl>
                        <dt>{t.account_no}</dt><dd class="mono">{site.account_no}</dd>
                        <dt>{t.address}</dt><dd>{site.address}</dd>
                        <dt>{t.service_area}</dt><dd>{site.area.get(locale).to_owned()}</dd>
                        <dt>{t.customer_group}</dt><dd>{site.group.label(t)}</dd>
                        <dt>{t.your_manager}</dt><dd>{site.manager_name}</dd>
                    </dl>
                </li>
            }).collect_view()}
        </ul>
    }
}

#[component]
pub fn ManagerCardView(card: ManagerCard) -> impl IntoView {
    let t = use_texts();
    let tel = format!("tel:{}", card.phone);
    let supervision_tel = format!("tel:{}", card.supervision_phone);
    // Kept by the page for the offline page (server::pwa): the manager to call without a network.
    let (offline_name, offline_phone) = (card.name.clone(), card.phone.clone());
    view! {
        <article class="card manager" data-offline-name=offline_name data-offline-phone=offline_phone>
            <p class="manager-name">{card.name}</p>
            <p class="badges">
                <span class=format!("badge tier-{}", card.tier.as_str())>{card.tier.label(t)}</span>
                <span class="badge grade">{card.grade.label(t)}</span>
            </p>
            <a class="button call" href=tel>{fill(t.call_manager, &[("phone", &card.phone)])}</a>
            <dl>
                <dt>{t.service_hours}</dt><dd>{card.hours}</dd>
                <dt>{t.repair_line_label}</dt>
                <dd><a href=format!("tel:{REPAIR_LINE}")>{REPAIR_LINE}</a>" "{t.repair_all_day}</dd>
                <dt>{t.supervision_phone}</dt>
                <dd><a href=supervision_tel>{card.supervision_phone}</a></dd>
            </dl>
            <p class="hint">{t.supervision_hint}</p>
            <p><a class="complain-link" href="/complain">{t.complain_link}</a></p>
        </article>
    }
}
