//! The manager home: my customers, searchable and paged, their personal data masked (the
//! archive's card shows it, for a recorded reason).
use super::api::{my_customers, CustomerPage};
use crate::{
    i18n::{fill, use_locale, use_texts},
    ui::personal::{archive_link, masked_with_link},
    ui::{encode_component, Loaded, SearchForm},
};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn ManagerHome() -> impl IntoView {
    let t = use_texts();
    let query = use_query_map();
    let params = move || {
        query.with(|q| {
            let page = q.get("page").and_then(|p| p.parse::<u32>().ok()).unwrap_or(1);
            (q.get("q").unwrap_or_default(), page)
        })
    };
    let list = Resource::new(params, |(q, page)| my_customers(q.into(), page));
    let search = move || query.with(|q| q.get("q").unwrap_or_default());
    view! {
        <h1>{t.my_customers}</h1>
        <SearchForm action="/manager" id="customer-search" name="q" label=t.search_customers
            placeholder=t.search_placeholder value=Signal::derive(search)/>
        <Loaded resource=list transition=true let:page>
            <CustomerList page query=search()/>
        </Loaded>
    }
}

#[component]
fn CustomerList(page: CustomerPage, query: String) -> impl IntoView {
    let t = use_texts();
    let locale = use_locale();
    let q = encode_component(&query);
    let link = move |n: u32| format!("/manager?q={q}&page={n}");
    let summary = fill(t.customers_found, &[("count", &page.total.to_string())]);
    let current = page.page;
    let mentor = page.mentor.clone();
    view! {
        {mentor.map(|name| view! { <p class="card mentor">{fill(t.my_mentor, &[("name", &name)])}</p> })}
        <p class="summary" aria-live="polite">{summary}</p>
        {page.rows.is_empty().then(|| view! { <p class="empty">{t.no_customers_found}</p> })}
        <ul class="customers">
            {page.rows.into_iter().map(|row| {
                let archive = archive_link(&row.account_no, None);
                let report = format!("/report?account={}", row.account_no);
                view! {
                    <li class="card customer">
                        <p class="customer-name">{row.name}" "<span class="badge">{row.group.label(t)}</span></p>
                        <p class="mono">{row.account_no}</p>
                        <p>{row.address}</p>
                        <p class="muted">{row.area.get(locale).to_owned()}</p>
                        <a class="link" href=report>{t.report_for_customer}</a>
                        <p class="phone">{masked_with_link(row.phone, archive)}</p>
                    </li>
                }
            }).collect_view()}
        </ul>
        <nav class="pager" aria-label=t.pages>
            {(current > 1).then(|| view! { <a class="button" href=link(current - 1)>{t.previous_page}</a> })}
            <span>{fill(t.page_of, &[("page", &current.to_string()), ("pages", &page.pages.to_string())])}</span>
            {(current < page.pages).then(|| view! { <a class="button" href=link(current + 1)>{t.next_page}</a> })}
        </nav>
    }
}
