//! The archive's pages: one customer's card (masked, and the form that shows it with a
//! reason), the register for supervisors, and the readings a customer sees on their settings.
use super::{
    api::{archive_card, archive_register, my_data_readings, OpenArchive},
    model::{ArchiveField, ArchiveView, Reason, Register, SeenReading, NOTE_MAX, SHOWN_MINUTES},
};
use crate::{
    domain::case_ref::display_number,
    error::AppError,
    i18n::{fill, use_locale, use_texts, Texts},
    time::local_datetime,
    ui::{self, choice_group, field_message, Failure, Field, FormMessage, Forms, Loaded},
};
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

fn field_list(fields: &[ArchiveField], t: &'static Texts) -> String {
    let mut labels = fields.iter().map(|f| f.label(t));
    let first = labels.next().unwrap_or_default().to_owned();
    labels.fold(first, |list, next| fill(t.list_join, &[("list", &list), ("next", next)]))
}

/// A reading's reason as said beside it; an opening of a confidential archive has none.
fn reason_words(reason: Option<Reason>, note: Option<String>, t: &'static Texts) -> String {
    match (reason, note) {
        (None, _) => t.archive_opened_only.to_owned(),
        (Some(reason), Some(note)) => format!("{}: {note}", reason.label(t)),
        (Some(reason), None) => reason.label(t).to_owned(),
    }
}

#[component]
pub fn ArchivePage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let key = move || {
        let account = params.with(|p| p.get("account").unwrap_or_default());
        query.with(|q| (account, q.get("case"), q.get("reading")))
    };
    let card = Resource::new(key, |(account, case, reading)| {
        archive_card(account.into(), case.map(Into::into), reading.map(Into::into))
    });
    view! {
        <Loaded resource=card transition=true let:card>
            <CardView card/>
        </Loaded>
    }
}

#[component]
fn CardView(card: ArchiveView) -> impl IntoView {
    let t = use_texts();
    let locale = use_locale();
    let open = ServerAction::<OpenArchive>::new();
    let form = Forms::new(open).one();
    let error = form.error;
    let shown = card.shown.is_some();
    let phone = if shown {
        view! { <a class="button call" href=format!("tel:{}", card.phone)>{card.phone.clone()}</a> }.into_any()
    } else {
        view! { <span class="mono masked">{card.phone.clone()}</span> }.into_any()
    };
    let contact = card.contact_phone.clone().map(|p| {
        let value = if shown {
            view! { <a class="tel contact-phone" href=format!("tel:{p}")>{p.clone()}</a> }.into_any()
        } else {
            view! { <span class="mono masked">{p}</span> }.into_any()
        };
        view! { <dt>{t.field_contact_phone}</dt><dd>{value}</dd> }
    });
    let reasons = Reason::ALL.iter().map(|r| (r.as_str(), r.label(t))).collect();
    let reason = choice_group("reason", t.archive_reason, reasons, form.typed("reason"), form.field("reason"));
    let note =
        ui::text_area("field-note".into(), "note", t.archive_note, NOTE_MAX, form.typed("note"), form.field("note"));
    let case_error = field_message(error, "case");
    view! {
        <h1>{card.name.clone()}</h1>
        {card.confidential.then(|| view! { <p class="notice confidential">{t.archive_confidential}</p> })}
        <section class="card archive">
            <dl>
                <dt>{t.account_no}</dt><dd class="mono">{card.account_no.clone()}</dd>
                <dt>{t.customer_group}</dt><dd>{card.group.label(t)}</dd>
                <dt>{t.service_area}</dt><dd>{card.area.get(locale).to_owned()}</dd>
                <dt>{t.field_phone}</dt><dd class="phone">{phone}</dd>
                <dt>{t.field_address}</dt><dd class="address">{card.address.clone()}</dd>
                {contact}
                {card.case_number.clone().map(|n| view! { <dt>{t.archive_case}</dt><dd class="mono">{display_number(&n)}</dd> })}
            </dl>
        </section>
        {match card.shown.clone() {
            Some(s) => view! {
                <p class="notice shown">
                    {fill(t.archive_shown, &[
                        ("reason", &reason_words(Some(s.reason), s.note, t)),
                        ("at", &local_datetime(s.read_at)),
                        ("minutes", &SHOWN_MINUTES.to_string()),
                    ])}
                </p>
            }.into_any(),
            None => view! {
                <section class="card">
                    <h2>{t.archive_show}</h2>
                    {card.expired.then(|| view! { <p class="notice">{t.archive_expired}</p> })}
                    <p class="hint">{t.archive_why}</p>
                    <ActionForm action=open attr:class="form" attr:novalidate=true>
                        <input type="hidden" name="account_no" value=card.account_no.clone()/>
                        <input type="hidden" name="case" value=card.case_number.clone().unwrap_or_default()/>
                        <input type="hidden" name="submission_key" value=card.submission_key.clone()/>
                        {reason}
                        {note}
                        <p class="field-error" aria-live="polite">{move || case_error.get()}</p>
                        <FormMessage error/>
                        <button type="submit" class="button primary">{t.archive_show_button}</button>
                    </ActionForm>
                </section>
            }.into_any(),
        }}
    }
}

#[component]
pub fn ArchiveRegisterPage() -> impl IntoView {
    let query = use_query_map();
    let get = move |name: &str| query.with(|q| q.get(name));
    let key = move || (get("staff"), get("account"), get("from"), get("to"));
    let register = Resource::new(key, |(staff, account, from, to)| {
        archive_register(staff.map(Into::into), account.map(Into::into), from.map(Into::into), to.map(Into::into))
    });
    let t = use_texts();
    let typed = move || (get("staff"), get("account"), get("from"), get("to"));
    let failed = Callback::new(move |error: AppError| {
        let (staff, account, from, to) = typed();
        let bad = error.for_field("staff").is_some()
            || error.for_field("account").is_some()
            || error.for_field("from").is_some()
            || error.for_field("to").is_some();
        if bad {
            view! { <h1>{t.archive_register}</h1>{register_filters(staff, account, from, to, Some(error))}}.into_any()
        } else {
            view! { <h1>{t.archive_register}</h1><Failure error/> }.into_any()
        }
    });
    view! {
        <Loaded resource=register transition=true failed let:register>
            <RegisterView register staff=get("staff") account=get("account")/>
        </Loaded>
    }
}

fn register_filters(
    staff: Option<String>,
    account: Option<String>,
    from: Option<String>,
    to: Option<String>,
    error: Option<AppError>,
) -> impl IntoView {
    let t = use_texts();
    let error = Signal::stored(error);
    view! {
        <form method="get" action="/supervisor/archive" class="form filters">
            <Field label=t.archive_staff name="staff" value=staff error=field_message(error, "staff")/>
            <Field label=t.account_no name="account" inputmode="numeric" value=account error=field_message(error, "account")/>
            <Field label=t.archive_from name="from" kind="date" value=from error=field_message(error, "from")/>
            <Field label=t.archive_to name="to" kind="date" value=to error=field_message(error, "to")/>
            <button type="submit" class="button">{t.archive_filter}</button>
        </form>
    }
}

#[component]
fn RegisterView(register: Register, staff: Option<String>, account: Option<String>) -> impl IntoView {
    let t = use_texts();
    let Register { from, to, lines, more, alerts, threshold, exports } = register;
    let filters = register_filters(staff, account, Some(from.to_string()), Some(to.to_string()), None);
    let alerts_title = fill(t.archive_alerts, &[("count", &threshold.to_string())]);
    view! {
        <h1>{t.archive_register}</h1>
        {filters}
        <section class="card alerts">
            <h2>{alerts_title}</h2>
            {alerts.is_empty().then(|| view! { <p class="empty">{t.archive_no_alerts}</p> })}
            <ul>
                {alerts.into_iter().map(|a| view! {
                    <li class="alert">
                        {fill(t.archive_alert_line, &[
                            ("name", &a.name), ("employee", &a.employee_no), ("day", &a.day.to_string()),
                            ("count", &a.outside_own.to_string()),
                        ])}
                    </li>
                }).collect_view()}
            </ul>
        </section>
        {lines.is_empty().then(|| view! { <p class="empty">{t.archive_no_readings}</p> })}
        {more.then(|| view! { <p class="hint">{t.archive_more}</p> })}
        <div class="table-scroll" tabindex="0" role="region" aria-label=t.archive_register>
            <table class="figures register">
                <thead>
                    <tr>
                        <th scope="col">{t.archive_when}</th>
                        <th scope="col">{t.archive_staff}</th>
                        <th scope="col">{t.archive_customer}</th>
                        <th scope="col">{t.archive_fields}</th>
                        <th scope="col">{t.archive_reason}</th>
                        <th scope="col">{t.archive_case}</th>
                    </tr>
                </thead>
                <tbody>
                    {lines.into_iter().map(|l| view! {
                        <tr class:outside=!l.own>
                            <td>{local_datetime(l.read_at)}</td>
                            <td>{l.reader_name}" "<span class="mono muted">{l.employee_no}</span></td>
                            <td>{l.customer_name}" "<span class="mono muted">{l.account_no}</span></td>
                            <td>{field_list(&l.fields, t)}</td>
                            <td>{reason_words(l.reason, l.note, t)}</td>
                            <td class="mono">{l.case_number.as_deref().map(display_number)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <section class="card exports">
            <h2>{t.archive_exports}</h2>
            {exports.is_empty().then(|| view! { <p class="empty">{t.archive_no_exports}</p> })}
            <ul class="export-lines">
                {exports.into_iter().map(|e| view! {
                    <li>
                        <p><strong>{e.list.label(t)}</strong>" · "{e.scope}" · "{t.archive_export_customers}": "{e.customers.to_string()}</p>
                        <p class="muted">{local_datetime(e.at)}" · "{e.reader_name}" "<span class="mono">{e.employee_no}</span></p>
                    </li>
                }).collect_view()}
            </ul>
        </section>
    }
}

/// The customer's "who has read my data" list, on their settings page.
#[component]
pub fn DataReadings() -> impl IntoView {
    let t = use_texts();
    let readings = Resource::new(|| (), |_| my_data_readings());
    // Staff have no archive of their own: the section is a customer's only.
    let staff = Callback::new(|error: AppError| match error {
        AppError::NotFound => ().into_any(),
        error => view! { <Failure error/> }.into_any(),
    });
    view! {
        <Loaded resource=readings failed=staff let:list>
            <section class="card readings">
                <h2>{t.seen_title}</h2>
                <p class="hint">{t.seen_hint}</p>
                {list.is_empty().then(|| view! { <p class="empty">{t.seen_none}</p> })}
                <ul class="seen">
                    {list.into_iter().map(|r| view! { <SeenLine r/> }).collect_view()}
                </ul>
            </section>
        </Loaded>
    }
}

#[component]
fn SeenLine(r: SeenReading) -> impl IntoView {
    let t = use_texts();
    let line = fill(
        t.seen_line,
        &[
            ("role", r.reader_role.label(t)),
            ("name", &r.reader_name),
            ("fields", &field_list(&r.fields, t)),
            ("reason", &reason_words(r.reason, r.note, t)),
        ],
    );
    view! {
        <li class="seen-reading">
            <p class="muted">{local_datetime(r.read_at)}" · "<span class="mono">{r.account_no}</span></p>
            <p>{line}</p>
            {r.case_number.map(|n| view! { <p class="muted">{fill(t.seen_case, &[("case", &display_number(&n))])}</p> })}
        </li>
    }
}
