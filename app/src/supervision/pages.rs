//! Supervisor pages: managers at a glance, and one customer's manager with its history.
use super::api::{customer_assignment, managers_overview, AssignmentDetail, Reassign, SetServiceClass};
use crate::{
    case::model::MESSAGE_MAX,
    domain::case_ref::display_number,
    error::AppError,
    i18n::{fill, use_locale, use_texts},
    time::local_datetime,
    ui::personal::{archive_link, masked_with_link},
    ui::{self, field_message, successes, Failure, Field, FormMessage, Forms, Loaded, SearchForm},
};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
fn AccountLookup(
    #[prop(optional, into)] value: Option<String>,
    #[prop(default = None)] message: Option<String>,
) -> impl IntoView {
    let t = use_texts();
    view! {
        <SearchForm action="/supervisor/customer" id="account-lookup" name="account" inputmode="numeric"
            label=t.find_customer_by_account placeholder=t.account_placeholder value message/>
    }
}

#[component]
pub fn SupervisorHome() -> impl IntoView {
    let t = use_texts();
    let managers = Resource::new(|| (), |_| managers_overview());
    view! {
        <h1>{t.managers}</h1>
        <AccountLookup/>
        <Loaded resource=managers let:list>
            <ul class="managers">
                {list.into_iter().map(|m| view! {
                    <li class="card manager-row">
                        <p class="manager-name">{m.name}" "<span class="mono muted">{m.employee_no}</span></p>
                        <p class="badges">
                            <span class=format!("badge tier-{}", m.tier.as_str())>{m.tier.label(t)}</span>
                            <span class="badge grade">{m.grade.label(t)}</span>
                        </p>
                        <p class="count">{fill(t.customer_count, &[("count", &m.customers.to_string())])}</p>
                    </li>
                }).collect_view()}
            </ul>
        </Loaded>
    }
}

#[component]
pub fn CustomerAssignmentPage() -> impl IntoView {
    let query = use_query_map();
    let account = move || query.with(|q| q.get("account").unwrap_or_default());
    let reassign = ServerAction::<Reassign>::new();
    let classify = ServerAction::<SetServiceClass>::new();
    // Refetched after every reassignment, so the page shows the new manager at once.
    let (reassigned, classified) = (successes(reassign), successes(classify));
    let data =
        Resource::new(move || (account(), reassigned.get(), classified.get()), |(a, ..)| customer_assignment(a.into()));
    let t = use_texts();
    let typed = query.with_untracked(|q| q.get("account").unwrap_or_default());
    // A malformed account number is said under the look-up field, not as a failed page; no
    // number yet (the first visit) says nothing.
    let failed = {
        let typed = typed.clone();
        Callback::new(move |error: AppError| match error.for_field("account") {
            Some(problem) => {
                let message = (!typed.trim().is_empty()).then(|| problem.message(t));
                view! { <h1>{t.customer_assignment}</h1><AccountLookup value=typed.clone() message/> }.into_any()
            }
            None => view! { <AccountLookup value=typed.clone()/><Failure error/> }.into_any(),
        })
    };
    view! {
        <Loaded resource=data transition=true failed let:customer>
            <AccountLookup value=customer.account_no.clone()/>
            <AssignmentView customer reassign classify/>
        </Loaded>
    }
}

#[component]
fn AssignmentView(
    customer: AssignmentDetail,
    reassign: ServerAction<Reassign>,
    classify: ServerAction<SetServiceClass>,
) -> impl IntoView {
    let t = use_texts();
    let locale = use_locale();
    let form = Forms::new(reassign).one();
    let error = form.error;
    let class_form = Forms::new(classify).one();
    let (class_error, kva_error) = (class_form.field("class"), class_form.field("contracted_kva"));
    let large = customer.group == crate::domain::CustomerGroup::Large;
    let kva = customer.contracted_kva.map(|k| k.to_string());
    let (class_account, key_customer) = (customer.account_no.clone(), customer.key_customer);
    let current = customer.history.iter().find(|h| h.ended_at.is_none()).map(|h| h.manager_name.clone());
    view! {
        <h1>{customer.name}</h1>
        <section class="card">
            <dl>
                <dt>{t.account_no}</dt><dd class="mono">{customer.account_no.clone()}</dd>
                <dt>{t.address}</dt><dd>{customer.address}" "<a class="link show-personal" href=archive_link(&customer.account_no, None)>{t.show_personal}</a></dd>
                <dt>{t.service_area}</dt><dd>{customer.area.get(locale).to_owned()}</dd>
                <dt>{t.customer_group}</dt><dd>{customer.group.label(t)}</dd>
                <dt>{t.current_manager}</dt><dd class="current-manager">{current}</dd>
                <dt>{t.service_class}</dt><dd class="service-class">{customer.class.label(t)}</dd>
            </dl>
        </section>
        <section class="card">
            <h2>{t.reassign}</h2>
            <ActionForm action=reassign attr:class="form">
                <input type="hidden" name="account_no" value=customer.account_no/>
                <div class="field" class:invalid=move || error.with(|e| e.as_ref().is_some_and(|e| e.for_field("manager_id").is_some()))>
                    <label for="field-manager_id">{t.new_manager}</label>
                    <select id="field-manager_id" name="manager_id" aria-describedby="field-manager_id-error">
                        <option value="">{t.choose_manager}</option>
                        {customer.eligible.into_iter().map(|m| view! {
                            <option value=m.id.to_string()>
                                {format!("{} · {} · {}", m.name, m.grade.label(t), fill(t.customer_count, &[("count", &m.customers.to_string())]))}
                            </option>
                        }).collect_view()}
                    </select>
                    <p class="field-error" id="field-manager_id-error" aria-live="polite">
                        {move || field_message(error, "manager_id").get()}
                    </p>
                </div>
                <FormMessage error done=form.done confirm=t.reassigned/>
                <button type="submit" class="button primary" disabled=move || reassign.pending().get()>{t.reassign}</button>
            </ActionForm>
        </section>
        <section class="card">
            <h2>{t.service_class}</h2>
            <p class="hint">{t.service_class_hint}</p>
            <ActionForm action=classify attr:class="form" attr:novalidate=true>
                <input type="hidden" name="account_no" value=class_account/>
                {if large {
                    view! {
                        <Field label=t.grids_kva name="contracted_kva" inputmode="numeric" value=kva error=kva_error/>
                    }.into_any()
                } else {
                    view! {
                        <label class="check"><input type="checkbox" name="key_customer" value="1" checked=key_customer/>" "{t.class_key}</label>
                    }.into_any()
                }}
                <p class="field-error" aria-live="polite">{move || class_error.get()}</p>
                <FormMessage error=class_form.error done=class_form.done confirm=t.service_class_saved/>
                <button type="submit" class="button">{t.grids_save}</button>
            </ActionForm>
        </section>
        <section class="card">
            <h2>{t.assignment_history}</h2>
            <ol class="history">
                {customer.history.into_iter().map(|h| {
                    let period = match h.ended_at {
                        Some(end) => fill(t.period_ended, &[("from", &local_datetime(h.assigned_at)), ("to", &local_datetime(end))]),
                        None => fill(t.period_current, &[("from", &local_datetime(h.assigned_at))]),
                    };
                    view! {
                        <li>
                            <p><strong>{h.manager_name}</strong>" · "{h.tier.label(t)}</p>
                            <p class="muted">{period}</p>
                            {h.assigned_by.map(|by| view! { <p class="muted">{fill(t.assigned_by, &[("name", &by)])}</p> })}
                        </li>
                    }
                }).collect_view()}
            </ol>
        </section>
    }
}

#[component]
pub fn FollowUpsPage() -> impl IntoView {
    let t = use_texts();
    let close = ServerAction::<super::api::CloseFollowUp>::new();
    let forms = Forms::new(close);
    let closed = successes(close);
    let list = Resource::new(move || closed.get(), |_| super::api::follow_ups());
    view! {
        <h1>{t.follow_ups}</h1>
        // The call just closed leaves the list: its confirmation stays above it.
        <FormMessage error=Signal::derive(|| None) done=forms.any_done() confirm=t.follow_up_closed/>
        <Loaded resource=list transition=true let:list>
            {list.is_empty().then(|| view! { <p class="empty">{t.no_follow_ups}</p> })}
            <ul class="follow-ups">
                {list.into_iter().map(|f| view! { <FollowUpCard f forms/> }).collect_view()}
            </ul>
        </Loaded>
    }
}

#[component]
fn FollowUpCard(f: super::api::FollowUp, forms: Forms<super::api::CloseFollowUp>) -> impl IntoView {
    let t = use_texts();
    let form = forms.of("id", f.id);
    let note_error = form.field("note");
    let note_id = format!("note-{}", f.id);
    let (typed, sending) = (form.typed("note"), form.sending());
    view! {
        <li class="card follow-up">
            <a class="ticket-link" href=format!("/tickets/{}", f.ticket_number)>{display_number(&f.ticket_number)}</a>
            <p>{f.customer_name}" "{masked_with_link(f.customer_phone.clone(), archive_link(&f.account_no, Some(&f.ticket_number)))}</p>
            <p class="badges"><span class="badge urgent">{fill(t.rated_stars, &[("stars", &f.overall.to_string())])}</span></p>
            {f.comment.map(|c| view! { <p class="message-body">{c}</p> })}
            <p class="muted">{local_datetime(f.opened_at)}</p>
            <ActionForm action=forms.action() attr:class="form" attr:novalidate=true on:submit=sending>
                <input type="hidden" name="id" value=f.id.to_string()/>
                {ui::text_area(note_id, "note", t.follow_up_note, MESSAGE_MAX, typed, note_error)}
                <FormMessage error=form.error/>
                <button type="submit" class="button">{t.close_follow_up}</button>
            </ActionForm>
        </li>
    }
}
