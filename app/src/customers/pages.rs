//! The customer home: my manager and my account(s).
use super::api::{my_service, ServiceOverview};
use crate::{
    i18n::{fill, use_locale, use_texts, Texts},
    managers::model::ManagerCard,
    reporting::model::{ServiceRecord, RECORD_MONTHS},
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
        {service.managers.into_iter().map(|m| view! { <ManagerCardView card=m.card record=m.record/> }).collect_view()}
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

/// A figure of the record, or "not enough ratings yet" where too little lies behind it.
fn figure(value: Option<String>, t: &'static Texts) -> String {
    value.unwrap_or_else(|| t.record_not_enough.to_owned())
}

/// The manager's service record over the last year, as the customer reads it.
fn record_view(r: ServiceRecord, t: &'static Texts) -> impl IntoView {
    let average = |a: Option<f64>| figure(a.map(|a| format!("{a:.1}")), t);
    let months = RECORD_MONTHS.to_string();
    view! {
        <section class="service-record" aria-labelledby="record-heading">
            <h2 id="record-heading">{fill(t.record_title, &[("months", &months)])}</h2>
            <dl>
                <dt>{t.record_overall}</dt>
                <dd class="record-overall">{average(r.overall)}" "<span class="muted">{fill(t.record_ratings, &[("count", &r.ratings.to_string())])}</span></dd>
                <dt>{t.rate_speed}</dt><dd>{average(r.speed)}</dd>
                <dt>{t.rate_attitude}</dt><dd>{average(r.attitude)}</dd>
                <dt>{t.rate_professionalism}</dt><dd>{average(r.professionalism)}</dd>
                <dt>{t.record_within_commitment}</dt>
                <dd>{figure(r.within_commitment.map(|s| format!("{:.0}%", s * 100.0)), t)}</dd>
                <dt>{t.record_first_reply}</dt>
                <dd>{figure(r.median_reply_minutes.map(|m| fill(t.record_minutes, &[("minutes", &m.to_string())])), t)}</dd>
                <dt>{t.record_complaints_upheld}</dt><dd class="record-upheld">{r.complaints_upheld}</dd>
            </dl>
        </section>
    }
}

#[component]
pub fn ManagerCardView(card: ManagerCard, #[prop(optional)] record: Option<ServiceRecord>) -> impl IntoView {
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
            {record.map(|r| record_view(r, t))}
        </article>
    }
}
