//! Reporting a fault, the ticket page, my tickets, and the manager's queue.
use super::{
    api::{
        my_tickets, queue, report_form, ticket, AddPhotos, Advance, FollowedRepair, Merge, PostMessage, Promise, Rate,
        ReportFault, TicketSummary, TicketView,
    },
    model::{Action, Category, Status, ADDRESS_MAX, COMMENT_MAX, CREW_NAME_MAX, DESCRIPTION_MAX},
};
use crate::{
    case::{
        model::{display_number, Deadline, DeadlineState},
        pages::{message_fields, photo_grid, timeline, PhotoForm},
        picker::PhotoPicker,
    },
    error::AppError,
    i18n::{fill, use_texts, ProblemTexts, Texts},
    time::{local_datetime, local_time},
    ui::personal::{archive_link, masked_with_link},
    ui::{
        field_message, islands::LoadIslands, live::LiveRegion, location::ShareLocation, successes, textarea_text,
        url_error, DateTimeForm, Failure, Field, FormMessage, Forms, Loaded, SearchForm,
    },
};
use leptos::{prelude::*, server_fn::ServerFn};
use leptos_router::hooks::{use_params_map, use_query_map};

fn number_untracked(params: Memo<leptos_router::params::ParamsMap>) -> String {
    params.with_untracked(|p| p.get("number").unwrap_or_default())
}

/// Safety first: shown at once when a hazard is chosen (by CSS alone, so also without
/// JavaScript) and on every hazard ticket.
#[component]
fn SafetyAdvice() -> impl IntoView {
    let t = use_texts();
    view! {
        <div class="safety" role="alert">
            <p class="safety-title">{t.safety_title}</p>
            <ul>
                <li>{t.safety_keep_away}</li>
                <li>{t.safety_do_not_touch}</li>
                <li>{t.safety_keep_others_away}</li>
            </ul>
        </div>
    }
}

#[component]
pub fn ReportPage(
    /// Said between the heading and the form (the shell puts outages already known there).
    #[prop(optional)]
    notice: Option<ViewFn>,
) -> impl IntoView {
    let query = use_query_map();
    let account = move || query.with(|q| q.get("account"));
    let form = Resource::new(account, |a| report_form(a.map(Into::into)));
    let failed = move |error: AppError| match error.for_field("account") {
        // Staff choose the customer who phoned in first.
        Some(problem) => {
            let entered = account();
            let message = entered.is_some().then_some(problem);
            view! { <CustomerPicker entered message/> }.into_any()
        }
        None => view! { <Failure error/> }.into_any(),
    };
    view! {
        <Loaded resource=form failed let:form>
            <ReportFormView form notice=notice.clone()/>
        </Loaded>
    }
}

#[component]
fn CustomerPicker(entered: Option<String>, message: Option<crate::error::Problem>) -> impl IntoView {
    let t = use_texts();
    view! {
        <h1>{t.report_for_customer}</h1>
        <SearchForm action="/report" id="account-lookup" name="account" inputmode="numeric" label=t.account_no
            placeholder=t.account_placeholder value=entered message=message.map(|p| p.message(t))/>
    }
}

/// A plain multipart form: without JavaScript the browser posts it and lands on the new ticket
/// (or back here with the messages). With JavaScript the same rules run as the customer types
/// and taps Send, and the form is sent in the background ([`ReportChecks`]); the server's answer
/// is the same.
#[component]
fn ReportFormView(form: super::api::ReportSetup, notice: Option<ViewFn>) -> impl IntoView {
    let t = use_texts();
    let error = url_error(ReportFault::PATH);
    let draft = form.draft.clone().unwrap_or_default();
    let first = form.accounts.iter().find(|a| a.account_no == draft.account_no).or(form.accounts.first()).cloned();
    let several = form.accounts.len() > 1;
    let category_error = field_message(error, "category");
    let description_error = field_message(error, "description");
    // Staff filling it in for a customer who phoned are asked about the customer, not "you".
    let (asked, described, reached) = if form.on_behalf {
        (t.what_happened_staff, t.describe_fault_staff, t.contact_phone_staff)
    } else {
        (t.what_happened, t.describe_fault, t.contact_phone)
    };
    let heading = if form.on_behalf {
        fill(t.report_for, &[("name", first.as_ref().map(|a| a.name.as_str()).unwrap_or_default())])
    } else {
        t.report_fault.to_owned()
    };
    let texts = ReportTexts { problems: t.problems(), unreachable: t.err_unreachable.to_owned() };
    view! {
        <h1>{heading}</h1>
        {notice.map(|notice| notice.run())}
        <form method="post" action=ReportFault::PATH enctype="multipart/form-data" class="form report" novalidate>
            <input type="hidden" name="submission_key" value=form.submission_key/>
            {if several {
                view! {
                    <div class="field">
                        <label for="field-account_no">{t.which_site}</label>
                        <select id="field-account_no" name="account_no">
                            {form.accounts.iter().map(|a| view! {
                                <option value=a.account_no.clone() selected=a.account_no == draft.account_no>
                                    {format!("{} · {}", a.name, a.account_no)}
                                </option>
                            }).collect_view()}
                        </select>
                    </div>
                }.into_any()
            } else {
                view! { <input type="hidden" name="account_no" value=first.as_ref().map(|a| a.account_no.clone())/> }.into_any()
            }}
            <fieldset class="field categories" class:invalid=move || category_error.with(Option::is_some)
                aria-describedby="field-category-error">
                <legend>{asked}</legend>
                {Category::ALL.iter().map(|c| {
                    let id = format!("category-{}", c.as_str());
                    view! {
                        <input type="radio" name="category" id=id.clone() value=c.as_str() class=format!("choice {}", c.as_str())
                            checked=c.as_str() == draft.category/>
                        <label for=id class="choice-label">{c.label(t)}</label>
                    }
                }).collect_view()}
                <SafetyAdvice/>
                <p class="field-error" id="field-category-error" aria-live="polite">{move || category_error.get()}</p>
            </fieldset>
            <div class="field" class:invalid=move || description_error.with(Option::is_some)>
                <label for="field-description">{described}</label>
                <textarea id="field-description" name="description" rows="3" maxlength=DESCRIPTION_MAX
                    aria-describedby="field-description-error">{crate::ui::textarea_text(draft.description.clone())}</textarea>
                <p class="field-error" id="field-description-error" aria-live="polite">{move || description_error.get()}</p>
            </div>
            <Field label=t.address name="address" autocomplete="street-address" maxlength=ADDRESS_MAX
                value=form.draft.as_ref().map(|d| d.address.clone()).or(first.map(|a| a.address)).unwrap_or_default()
                error=field_message(error, "address")/>
            <Field label=reached name="contact_phone" kind="tel" inputmode="tel" autocomplete="tel"
                value=form.draft.as_ref().map_or(form.phone, |d| d.contact_phone.clone())
                error=field_message(error, "contact_phone")/>
            <PhotoPicker label=t.choose_photos error=field_message(error, "photos")/>
            // The phone in staff hands is not at the fault.
            {(!form.on_behalf).then(|| view! { <ShareLocation/> })}
            <FormMessage error/>
            <p class="form-error" id="report-unsent" role="alert"></p>
            <button type="submit" class="button primary">{t.send_report}</button>
            <LoadIslands/>
            <ReportChecks texts/>
        </form>
    }
}

/// What the report form's island says, in the page's language.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
struct ReportTexts {
    problems: ProblemTexts,
    /// Said when the report could not reach the server: the form keeps what was typed.
    unreachable: String,
}

/// The report form's behaviour in the browser: the server's own checks as the customer types
/// (once messages show) and when they tap Send, then sending in the background. A second tap
/// while one is on its way does nothing, and a retry after a lost answer carries the same
/// one-time key, so it lands on the same ticket. An answer the island cannot say itself (a
/// refusal, a throttle) sends the form the plain way, and the server's page says it.
#[island]
fn ReportChecks(texts: ReportTexts) -> impl IntoView {
    #[cfg(feature = "hydrate")]
    browser::attach(texts);
    #[cfg(not(feature = "hydrate"))]
    let _ = texts;
}

#[cfg(feature = "hydrate")]
mod browser {
    use super::ReportTexts;
    use crate::{
        case::model::check_photo_choice,
        error::{AppError, FieldError},
        tickets::model::{check_report, ReportInput},
    };
    use std::{cell::Cell, rc::Rc};
    use wasm_bindgen::{closure::Closure, JsCast};

    /// The fields whose messages the island keeps up to date as the customer types.
    const FIELDS: [&str; 5] = ["account_no", "category", "description", "address", "contact_phone"];

    fn element(id: &str) -> Option<web_sys::Element> {
        leptos::prelude::document().get_element_by_id(id)
    }

    /// The same checks the server makes on the text fields.
    fn problems(form: &web_sys::HtmlFormElement) -> Vec<FieldError> {
        let Ok(data) = web_sys::FormData::new_with_form(form) else { return Vec::new() };
        let text = |name: &str| data.get(name).as_string();
        let (account_no, category, description, address, contact_phone) = (
            text("account_no").unwrap_or_default(),
            text("category"),
            text("description").unwrap_or_default(),
            text("address").unwrap_or_default(),
            text("contact_phone").unwrap_or_default(),
        );
        check_report(ReportInput {
            account_no: &account_no,
            category: category.as_deref(),
            description: &description,
            address: &address,
            contact_phone: &contact_phone,
        })
        .err()
        .unwrap_or_default()
    }

    /// Whether the chosen photos break the rule (the picker says how).
    fn photos_refused() -> bool {
        let input = element("field-photos").and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok());
        let files: Vec<(u64, String)> = input
            .and_then(|i| i.files())
            .map(|list| (0..list.length()).filter_map(|i| list.get(i)).map(|f| (f.size() as u64, f.type_())).collect())
            .unwrap_or_default();
        check_photo_choice(files.iter().map(|(size, kind)| (*size, kind.as_str()))).is_some()
    }

    /// Puts each field's message (or none) below it; `fields` are the ones to update.
    fn show<'a>(problems: &[FieldError], fields: impl IntoIterator<Item = &'a str>, texts: &ReportTexts) {
        for field in fields {
            let message = problems.iter().find(|p| p.field == field).map(|p| p.problem.message_in(&texts.problems));
            let Some(shown) = element(&format!("field-{field}-error")) else { continue };
            shown.set_text_content(message.as_deref());
            if let Some(Ok(Some(around))) = shown.parent_element().map(|p| p.closest(".field")) {
                let _ = around.class_list().toggle_with_force("invalid", message.is_some());
            }
        }
    }

    fn say_unsent(message: Option<&str>) {
        if let Some(unsent) = element("report-unsent") {
            unsent.set_text_content(message);
        }
    }

    pub fn attach(texts: ReportTexts) {
        let Some(form) = leptos::prelude::document()
            .query_selector("form.report")
            .ok()
            .flatten()
            .and_then(|f| f.dyn_into::<web_sys::HtmlFormElement>().ok())
        else {
            return;
        };
        let texts = Rc::new(texts);
        let (checked, pending) = (Rc::new(Cell::new(false)), Rc::new(Cell::new(false)));
        // Once messages show, they follow the customer's corrections.
        let edited = {
            let (form, texts, checked) = (form.clone(), texts.clone(), checked.clone());
            Closure::<dyn FnMut(web_sys::Event)>::new(move |_: web_sys::Event| {
                if checked.get() {
                    show(&problems(&form), FIELDS, &texts);
                }
            })
        };
        let submit = {
            let form = form.clone();
            Closure::<dyn FnMut(web_sys::Event)>::new(move |ev: web_sys::Event| {
                ev.prevent_default();
                if pending.get() || photos_refused() {
                    return;
                }
                checked.set(true);
                let found = problems(&form);
                show(&found, FIELDS, &texts);
                if !found.is_empty() {
                    return;
                }
                say_unsent(None);
                send(form.clone(), texts.clone(), pending.clone());
            })
        };
        for (kind, listener) in [("input", &edited), ("change", &edited), ("submit", &submit)] {
            let _ = form.add_event_listener_with_callback(kind, listener.as_ref().unchecked_ref());
        }
        // They listen for as long as the page shows the form.
        edited.forget();
        submit.forget();
    }

    fn button(form: &web_sys::HtmlFormElement) -> Option<web_sys::HtmlButtonElement> {
        form.query_selector("button[type=submit]").ok().flatten().and_then(|b| b.dyn_into().ok())
    }

    /// Sends the form through the server function; the server's redirect to the new ticket is
    /// followed by the redirect hook (`hydrate`).
    fn send(form: web_sys::HtmlFormElement, texts: Rc<ReportTexts>, pending: Rc<Cell<bool>>) {
        let Ok(data) = web_sys::FormData::new_with_form(&form) else { return };
        pending.set(true);
        if let Some(button) = button(&form) {
            button.set_disabled(true);
        }
        leptos::task::spawn_local(async move {
            let result = crate::tickets::api::report_fault(data.into()).await;
            pending.set(false);
            if let Some(button) = button(&form) {
                button.set_disabled(false);
            }
            match result {
                Ok(()) => {}
                Err(AppError::Invalid(problems)) => {
                    let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).chain(FIELDS).collect();
                    show(&problems, fields, &texts);
                }
                Err(AppError::Unreachable) => say_unsent(Some(&texts.unreachable)),
                // The server's own page says the rest: the same form, the same one-time key.
                Err(_) => {
                    let _ = form.submit();
                }
            }
        });
    }
}

fn status_badge(status: Status, t: &'static Texts) -> impl IntoView {
    view! { <span class=format!("badge status-{}", status.as_str())>{status.label(t)}</span> }
}

/// How the deadline that counts now stands, with the minutes left (or overdue).
fn deadline_badge(deadline: Option<Deadline>, t: &'static Texts) -> impl IntoView {
    deadline.map(|d| {
        let time = local_time(d.at);
        let minutes = d.minutes_left.abs().to_string();
        let args = [("time", time.as_str()), ("minutes", minutes.as_str())];
        let (class, text) = match d.state {
            DeadlineState::Missed => ("badge deadline missed", fill(t.deadline_missed, &args)),
            DeadlineState::AtRisk => ("badge deadline at-risk", fill(t.deadline_at_risk, &args)),
            DeadlineState::OnTime => ("badge deadline", fill(t.deadline_by, &args)),
        };
        view! { <span class=class>{text}</span> }
    })
}

#[component]
pub fn TicketPage(
    /// Shown below the ticket, refreshed with its live updates (the shell puts the work handed
    /// to departments there).
    #[prop(optional)]
    below: Option<ViewFn>,
) -> impl IntoView {
    let params = use_params_map();
    let number = move || params.with(|p| p.get("number").unwrap_or_default());
    let advance = ServerAction::<Advance>::new();
    let message = ServerAction::<PostMessage>::new();
    let rate = ServerAction::<Rate>::new();
    let (advanced, messaged, rated) = (successes(advance), successes(message), successes(rate));
    let data =
        Resource::new(move || (number(), advanced.get(), messaged.get(), rated.get()), |(n, ..)| ticket(n.into()));
    view! {
        <LiveRegion url=format!("/live/tickets/{}", number_untracked(params))>
            <Loaded resource=data transition=true let:view>
                <TicketDetail view advance message rate/>
            </Loaded>
            {below.map(|below| below.run())}
        </LiveRegion>
    }
}

#[component]
fn TicketDetail(
    view: TicketView,
    advance: ServerAction<Advance>,
    message: ServerAction<PostMessage>,
    rate: ServerAction<Rate>,
) -> impl IntoView {
    let t = use_texts();
    let promise = promise_text(view.promise, t);
    let number = view.number.clone();
    view! {
        <p class="muted">{t.ticket_number}</p>
        <h1 class="ticket-number mono">{display_number(&view.number)}</h1>
        <p class="badges">
            {status_badge(view.status, t)}
            {view.urgent.then(|| view! { <span class="badge urgent">{t.urgent}</span> })}
            {deadline_badge(view.deadline, t)}
        </p>
        {promise.map(|p| view! { <p class="promise">{p}</p> })}
        {view.follows.clone().map(|f| view! { <FollowedView followed=f/> })}
        {photo_grid(format!("/tickets/{}/photos", view.number), &view.photos)}
        {view.category.is_hazard().then(|| view! { <SafetyAdvice/> })}
        <section class="card">
            <dl>
                <dt>{t.fault}</dt><dd>{view.category.label(t)}</dd>
                {(!view.description.is_empty()).then(|| view! { <dt>{t.describe_fault}</dt><dd>{view.description.clone()}</dd> })}
                <dt>{t.address}</dt><dd>{view.address.clone()}</dd>
                <dt>{t.account_no}</dt><dd class="mono">{format!("{} · {}", view.account_no, view.customer_name)}</dd>
                <dt>{t.reported_by}</dt>
                <dd>
                    {format!("{} · {}", view.reported_by, local_datetime(view.reported_at))}
                    {view.on_behalf.then(|| format!(" · {}", t.on_behalf))}
                </dd>
                // Staff call the customer back on the number given with the report.
                {(view.viewer_is_staff && !view.contact_phone.is_empty()).then(|| {
                    let archive = archive_link(&view.account_no, Some(&view.number));
                    view! { <dt>{t.contact_phone}</dt><dd class="contact-phone">{masked_with_link(view.contact_phone.clone(), archive)}</dd> }
                })}
                {view.crew.clone().map(|(name, phone)| view! {
                    <dt>{t.crew}</dt><dd>{name}" "<a href=format!("tel:{phone}")>{phone.clone()}</a></dd>
                })}
                {view.estimated_restoration.map(|at| view! { <dt>{t.estimated_restoration}</dt><dd>{local_datetime(at)}</dd> })}
            </dl>
        </section>
        <Actions number=number.clone() actions=view.actions.clone() advance/>
        {view.viewer_is_staff.then(|| view! { <EstimateForm number=number.clone() current=view.estimated_restoration/> })}
        {view.can_merge.then(|| view! { <MergeForm number=number.clone()/> })}
        {view.can_rate.then(|| view! { <RatingForm number=number.clone() rate/> })}
        {view.rating.clone().map(|r| view! {
            <section class="card"><h2>{t.your_rating}</h2>
                <p>{fill(t.rating_summary, &[("overall", &r.overall.to_string()), ("speed", &r.speed.to_string()), ("attitude", &r.attitude.to_string()), ("professionalism", &r.professionalism.to_string())])}</p>
                {r.comment.map(|c| view! { <p>{c}</p> })}
            </section>
        })}
        <section class="card">
            <h2>{t.timeline}</h2>
            {timeline(view.events, t.event_reported, |s: &Status, t| s.label(t))}
            <MessageForm number=number.clone() key=view.message_key.clone() staff=view.viewer_is_staff message/>
            <PhotoForm action=AddPhotos::PATH number=number.clone() key=view.photo_key.clone() label=t.choose_photos/>
        </section>
        {(!view.viewer_is_staff).then(|| view! {
            <p><a class="complain-link" href=format!("/complain?about={number}")>{t.complain_about_this}</a></p>
        })}
    }
}

#[component]
fn Actions(number: String, actions: Vec<Action>, advance: ServerAction<Advance>) -> impl IntoView {
    let t = use_texts();
    let form = Forms::new(advance).one();
    let (error, done) = (form.error, form.done);
    let crew = (form.typed("crew_name"), form.typed("crew_phone"));
    let plain: Vec<Action> = actions.iter().copied().filter(|a| *a != Action::Dispatch).collect();
    let dispatch = actions.contains(&Action::Dispatch);
    (!actions.is_empty()).then(|| view! {
        <section class="card actions">
            {plain.into_iter().map(|action| {
                let number = number.clone();
                view! {
                <ActionForm action=advance attr:class="inline">
                    <input type="hidden" name="number" value=number/>
                    <input type="hidden" name="action" value=action.as_str()/>
                    <button type="submit" class=format!("button action-{}", action.as_str())>{action_label(action, t)}</button>
                </ActionForm>
            }}).collect_view()}
            {dispatch.then(|| view! {
                <ActionForm action=advance attr:class="form dispatch" attr:novalidate=true>
                    <h2>{t.dispatch_crew}</h2>
                    <input type="hidden" name="number" value=number/>
                    <input type="hidden" name="action" value="dispatch"/>
                    <Field label=t.crew_name name="crew_name" maxlength=CREW_NAME_MAX value=crew.0
                        error=field_message(error, "crew_name")/>
                    <Field label=t.crew_phone name="crew_phone" kind="tel" inputmode="tel" value=crew.1
                        error=field_message(error, "crew_phone")/>
                    <button type="submit" class="button primary action-dispatch">{t.action_dispatch}</button>
                </ActionForm>
            })}
            <FormMessage error done confirm=t.ticket_updated/>
        </section>
    })
}

fn action_label(action: Action, t: &'static Texts) -> &'static str {
    match action {
        Action::Accept => t.action_accept,
        Action::Dispatch => t.action_dispatch,
        Action::Arrive => t.action_arrive,
        Action::Restore => t.action_restore,
        Action::Confirm => t.action_confirm,
        Action::AutoClose => t.status_closed,
        Action::Cancel => t.action_cancel,
        Action::Reopen => t.action_reopen,
        Action::Merge => t.merge,
        Action::OutageRestored => t.status_restored,
    }
}

fn promise_text(promise: Promise, t: &'static Texts) -> Option<String> {
    match promise {
        Promise::CrewBy(at) => Some(fill(t.promise_crew_by, &[("time", &local_time(at))])),
        Promise::PowerBy(at) => Some(fill(t.promise_power_by, &[("time", &local_time(at))])),
        Promise::RestoredAt(at) => Some(fill(t.promise_restored_at, &[("time", &local_datetime(at))])),
        Promise::None => None,
    }
}

/// A merged duplicate shows the progress of the repair it now follows.
#[component]
fn FollowedView(followed: FollowedRepair) -> impl IntoView {
    let t = use_texts();
    view! {
        <section class="card followed">
            <p>{t.merged_note}</p>
            <p class="badges">
                <span class="mono">{display_number(&followed.number)}</span>
                {status_badge(followed.status, t)}
            </p>
            {promise_text(followed.promise, t).map(|p| view! { <p class="promise">{p}</p> })}
            <dl>
                {followed.crew.map(|(name, phone)| view! {
                    <dt>{t.crew}</dt><dd>{name}" "<a href=format!("tel:{phone}")>{phone.clone()}</a></dd>
                })}
                {followed.estimated_restoration.map(|at| view! { <dt>{t.estimated_restoration}</dt><dd>{local_datetime(at)}</dd> })}
            </dl>
        </section>
    }
}

#[component]
fn MergeForm(number: String) -> impl IntoView {
    let t = use_texts();
    let merge = ServerAction::<Merge>::new();
    let form = Forms::new(merge).one();
    view! {
        <section class="card">
            <ActionForm action=merge attr:class="form merge" attr:novalidate=true>
                <input type="hidden" name="number" value=number/>
                <Field label=t.merge_into name="into" autocomplete="off" value=form.typed("into") error=form.field("into")/>
                <FormMessage error=form.error done=form.done confirm=t.ticket_merged/>
                <button type="submit" class="button">{t.merge}</button>
            </ActionForm>
        </section>
    }
}

#[component]
fn EstimateForm(number: String, current: Option<chrono::DateTime<chrono::Utc>>) -> impl IntoView {
    let t = use_texts();
    let set = ServerAction::<super::api::SetEstimate>::new();
    view! {
        <section class="card">
            <DateTimeForm action=set record_name="number" record=number name="estimate" label=t.estimated_restoration
                confirm=t.estimate_set
                submit=t.set_estimate current/>
        </section>
    }
}

#[component]
fn MessageForm(number: String, key: String, staff: bool, message: ServerAction<PostMessage>) -> impl IntoView {
    view! {
        <ActionForm action=message attr:class="form message" attr:novalidate=true>
            {message_fields(number, key, staff, Forms::new(message).one())}
        </ActionForm>
    }
}

#[component]
fn RatingForm(number: String, rate: ServerAction<Rate>) -> impl IntoView {
    let t = use_texts();
    let form = Forms::new(rate).one();
    let error = form.error;
    let typed = form.clone();
    let scale = move |name: &'static str, label: &'static str| {
        let message = field_message(error, name);
        let chosen = typed.typed(name);
        view! {
            <fieldset class="field stars">
                <legend>{label}</legend>
                {(1..=5).map(|n| {
                    let id = format!("{name}-{n}");
                    view! {
                        <input type="radio" name=name id=id.clone() value=n.to_string() class="choice"
                            checked=chosen.as_deref() == Some(n.to_string().as_str())/>
                        <label for=id class="star">{n.to_string()}</label>
                    }
                }).collect_view()}
                <p class="field-error" aria-live="polite">{move || message.get()}</p>
            </fieldset>
        }
    };
    view! {
        <section class="card">
            <h2>{t.rate_service}</h2>
            <ActionForm action=rate attr:class="form rating" attr:novalidate=true>
                <input type="hidden" name="number" value=number/>
                {scale("overall", t.rate_overall)}
                {scale("speed", t.rate_speed)}
                {scale("attitude", t.rate_attitude)}
                {scale("professionalism", t.rate_professionalism)}
                <div class="field">
                    <label for="field-comment">{t.rate_comment}</label>
                    <textarea id="field-comment" name="comment" rows="2" maxlength=COMMENT_MAX>{textarea_text(form.typed("comment").unwrap_or_default())}</textarea>
                </div>
                <FormMessage error/>
                <button type="submit" class="button primary">{t.send_rating}</button>
            </ActionForm>
        </section>
    }
}

fn summary_list(rows: Vec<TicketSummary>, show_reporter: bool, show_manager: bool) -> impl IntoView {
    let t = use_texts();
    view! {
        {rows.is_empty().then(|| view! { <p class="empty">{t.no_tickets}</p> })}
        <ul class="tickets">
            {rows.into_iter().map(|r| view! {
                <li class="card ticket-row" class:urgent=r.urgent>
                    <a class="ticket-link" href=format!("/tickets/{}", r.number)>
                        <span class="mono">{display_number(&r.number)}</span>" · "{r.category.label(t)}
                    </a>
                    <p class="badges">
                        {status_badge(r.status, t)}
                        {r.urgent.then(|| view! { <span class="badge urgent">{t.urgent}</span> })}
                        {deadline_badge(r.deadline, t)}
                    </p>
                    <p>{format!("{} · {}", r.customer_name, r.address)}</p>
                    <p class="muted">
                        {local_datetime(r.reported_at)}
                        {show_reporter.then(|| format!(" · {}", fill(t.opened_by, &[("name", &r.reported_by)])))}
                        {show_manager.then(|| format!(" · {}", fill(t.managed_by, &[("name", &r.manager)])))}
                    </p>
                </li>
            }).collect_view()}
        </ul>
    }
}

#[component]
pub fn MyTicketsPage() -> impl IntoView {
    let t = use_texts();
    let tickets = Resource::new(|| (), |_| my_tickets());
    view! {
        <h1>{t.my_tickets}</h1>
        <a class="button primary" href="/report">{t.report_fault}</a>
        <Loaded resource=tickets let:mine>
            {
                let (open, past): (Vec<_>, Vec<_>) = mine.tickets.into_iter().partition(|r| r.status.is_open());
                view! {
                    <h2>{t.open_tickets}</h2>
                    {summary_list(open, mine.company, false)}
                    <h2>{t.past_tickets}</h2>
                    {summary_list(past, mine.company, false)}
                }
            }
        </Loaded>
    }
}

/// Links to the queue's other pages, keeping its filters; nothing when one page holds it all.
fn pager(page: i64, total: i64, page_size: i64, status: &str, area: &str) -> Option<impl IntoView> {
    let t = use_texts();
    let pages = (total + page_size - 1) / page_size;
    if pages <= 1 {
        return None;
    }
    let href = |to: i64| {
        format!(
            "/queue?status={}&area={}&page={to}",
            crate::ui::encode_component(status),
            crate::ui::encode_component(area)
        )
    };
    let page_count = fill(t.queue_pages, &[("page", &(page + 1).to_string()), ("pages", &pages.to_string())]);
    let label = page_count.clone();
    Some(view! {
        <nav class="pager" aria-label=label>
            {(page > 0).then(|| view! { <a class="button" rel="prev" href=href(page - 1)>{t.page_previous}</a> })}
            <span class="muted">{page_count}</span>
            {(page + 1 < pages).then(|| view! { <a class="button" rel="next" href=href(page + 1)>{t.page_next}</a> })}
        </nav>
    })
}

#[component]
pub fn QueuePage(
    /// Shown above the filters, refreshed with the queue's live updates (the shell puts the
    /// storm panel there).
    #[prop(optional)]
    above: Option<ViewFn>,
) -> impl IntoView {
    let t = use_texts();
    let query = use_query_map();
    let filters = move || query.with(|q| (q.get("status"), q.get("area"), q.get("page")));
    let rows = Resource::new(filters, |(status, area, page)| {
        queue(status.map(Into::into), area.map(Into::into), page.map(Into::into))
    });
    let (status, area) =
        query.with_untracked(|q| (q.get("status").unwrap_or_default(), q.get("area").unwrap_or_default()));
    let kept = (status.clone(), area.clone());
    // Only someone the queue answers sees its heading and filters: anyone else, the page for a
    // missing address (from the rows' own failure, below).
    let heading = move || Suspend::new(async move { rows.await.is_ok().then(|| view! { <h1>{t.queue}</h1> }) });
    view! {
        <LiveRegion url="/live/queue".to_owned()>
            <Transition fallback=|| ()>{heading}</Transition>
            {above.map(|above| above.run())}
            <Loaded resource=rows transition=true let:found>
                <form method="get" action="/queue" class="search filters">
                    <div class="search-row">
                        <select name="status" aria-label=t.filter_status>
                            <option value="" selected=status.is_empty()>{t.all_statuses}</option>
                            {Status::ALL.iter().filter(|s| s.is_open()).map(|s| view! {
                                <option value=s.as_str() selected=status == s.as_str()>{s.label(t)}</option>
                            }).collect_view()}
                        </select>
                        <input type="text" name="area" value=area.clone() placeholder=t.filter_area aria-label=t.filter_area/>
                        <button type="submit" class="button">{t.filter}</button>
                    </div>
                </form>
                <p class="muted">{fill(t.queue_count, &[("count", &found.total.to_string())])}</p>
                {summary_list(found.tickets, true, found.every_manager)}
                {pager(found.page, found.total, found.page_size, &kept.0, &kept.1)}
            </Loaded>
        </LiveRegion>
    }
}
