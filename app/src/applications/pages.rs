//! Applications' pages: the form that tells everything needed at once, the list of a
//! customer's (or a manager's customers') applications, one application with its documents,
//! review and steps, and the supervisor's figures by kind.
use super::{
    api::{
        application, applications_by_kind, apply_form, my_applications, AddApplicationDocuments, ApplicationStep,
        ApplicationSummary, ApplicationView, ApplySetup, ItemView, ReviewApplication, StartApplication,
        SubmitApplication,
    },
    model::{ApplicationKind, ItemState, KindFigures, Party, Stage, StepAction, ADDRESS_MAX, NOTE_MAX},
};
use crate::{
    case::{
        model::display_number,
        pages::{due_badge, timeline},
    },
    i18n::{fill, use_texts, Texts},
    time::local_datetime,
    ui::{
        card_list, field_message, live::LiveRegion, period_form, successes, text_area, url_error, Field, FormMessage,
        Forms, Loaded,
    },
};
use leptos::{prelude::*, server_fn::ServerFn};
use leptos_router::hooks::{use_params_map, use_query_map};

fn stage_badge(stage: Stage, t: &'static Texts) -> impl IntoView {
    view! { <span class=format!("badge application-{}", stage.as_str())>{stage.label(t)}</span> }
}

/// When the utility's steps are due, or that the clock is stopped while the customer has the
/// next move.
fn due_line(deadline: Option<crate::case::model::Deadline>, paused: bool, t: &'static Texts) -> AnyView {
    if paused {
        view! { <span class="badge paused">{t.apply_clock_paused}</span> }.into_any()
    } else {
        due_badge(deadline, t).into_any()
    }
}

/// `/apply`: choose what to apply for (a plain GET, so the list of what it needs shows without
/// JavaScript), read everything it needs at once, and save it as a draft.
#[component]
pub fn ApplyPage() -> impl IntoView {
    let t = use_texts();
    let query = use_query_map();
    let kind = move || query.with(|q| q.get("kind"));
    let setup = Resource::new(kind, |k| apply_form(k.map(Into::into)));
    let start = ServerAction::<StartApplication>::new();
    let forms = Forms::new(start);
    view! {
        <h1>{t.apply_title}</h1>
        <Loaded resource=setup let:setup>
            <ApplyForm setup forms/>
        </Loaded>
    }
}

#[component]
fn ApplyForm(setup: ApplySetup, forms: Forms<StartApplication>) -> impl IntoView {
    let t = use_texts();
    let chosen = setup.chosen.map(ApplicationKind::as_str).unwrap_or_default();
    let kinds = setup.kinds.clone();
    view! {
        <form method="get" action="/apply" class="card form apply-kind">
            <div class="field">
                <label for="field-kind">{t.apply_kind}</label>
                <select id="field-kind" name="kind">
                    <option value="" selected=chosen.is_empty()>{t.apply_choose_kind}</option>
                    {kinds.into_iter().map(|k| view! {
                        <option value=k.as_str() selected=chosen == k.as_str()>{k.label(t)}</option>
                    }).collect_view()}
                </select>
            </div>
            <button type="submit" class="button">{t.apply_show_needs}</button>
        </form>
        {setup.chosen.map(|kind| view! { <Needs setup=setup.clone() kind forms/> })}
    }
}

/// Everything the chosen kind needs, each with why, then the draft's own fields.
#[component]
fn Needs(setup: ApplySetup, kind: ApplicationKind, forms: Forms<StartApplication>) -> impl IntoView {
    let t = use_texts();
    let form = forms.one();
    let sending = form.sending();
    let address = setup.accounts.first().map(|a| a.address.clone()).unwrap_or_default();
    let (note_typed, note_error) = (form.typed("note"), form.field("note"));
    let account_error = form.field("account_no");
    let several = setup.accounts.len() > 1;
    view! {
        <section class="card needs">
            <h2>{fill(t.apply_needs_title, &[("kind", kind.label(t))])}</h2>
            <p>{fill(t.apply_time_limit, &[("days", &setup.working_days.to_string())])}</p>
            <ul class="needs-list">
                {setup.items.iter().map(|item| view! {
                    <li><strong>{item.label(t)}</strong><br/><span class="hint">{item.reason(t)}</span></li>
                }).collect_view()}
            </ul>
            <p class="hint">{t.apply_formats}</p>
        </section>
        <ActionForm action=forms.action() attr:class="card form apply-start" attr:novalidate=true on:submit=sending>
            <input type="hidden" name="kind" value=kind.as_str()/>
            <input type="hidden" name="submission_key" value=setup.submission_key.clone()/>
            {if several {
                view! {
                    <div class="field" class:invalid=move || account_error.with(Option::is_some)>
                        <label for="field-account_no">{t.apply_account}</label>
                        <select id="field-account_no" name="account_no" aria-describedby="field-account_no-error">
                            {setup.accounts.iter().map(|a| view! {
                                <option value=a.account_no.clone()>{format!("{} · {} · {}", a.account_no, a.name, a.address)}</option>
                            }).collect_view()}
                        </select>
                        <p class="field-error" id="field-account_no-error" aria-live="polite">{move || account_error.get()}</p>
                    </div>
                }.into_any()
            } else {
                let account = setup.accounts.first().map(|a| a.account_no.clone()).unwrap_or_default();
                view! { <input type="hidden" name="account_no" value=account/> }.into_any()
            }}
            <Field label=t.apply_site_address name="site_address" maxlength=ADDRESS_MAX autocomplete="street-address"
                hint=t.apply_site_hint value=form.typed_or("site_address", address) error=form.field("site_address")/>
            {setup.needs_capacity.then(|| view! {
                <Field label=t.apply_capacity name="capacity_kva" inputmode="numeric" value=form.typed("capacity_kva")
                    error=form.field("capacity_kva")/>
            })}
            {text_area("field-note".into(), "note", t.apply_note, NOTE_MAX, note_typed, note_error)}
            <FormMessage error=form.error/>
            <button type="submit" class="button primary">{t.apply_save_draft}</button>
        </ActionForm>
    }
}

fn summary_card(a: ApplicationSummary, t: &'static Texts, show_customer: bool) -> impl IntoView {
    view! {
        <li class="card application-summary">
            <a class="ticket-link" href=format!("/applications/{}", a.number)>{display_number(&a.number)}</a>
            " "<strong>{a.kind.label(t)}</strong>
            <p class="badges">{stage_badge(a.stage, t)}{due_line(a.deadline, a.paused, t)}</p>
            <p>{show_customer.then(|| format!("{} · ", a.customer_name))}{a.site_address}</p>
            <p class="muted">{local_datetime(a.opened_at)}</p>
        </li>
    }
}

/// `/applications`: the customer's (or company's) applications; for staff, their customers'.
#[component]
pub fn ApplicationsPage() -> impl IntoView {
    let t = use_texts();
    let list = Resource::new(|| (), |_| my_applications());
    view! {
        <h1>{t.applications_title}</h1>
        <Loaded resource=list let:mine>
            {card_list(
                mine.may_apply.then_some(("/apply", t.apply_new)),
                t.applications_none,
                mine.applications.into_iter().map(|a| summary_card(a, t, true).into_any()).collect(),
            )}
        </Loaded>
    }
}

/// `/applications/:number`: where the application is, what is awaited from whom, when the
/// utility's steps are due, its documents, the manager's review, the steps and the timeline;
/// `below` is what the shell puts under it (the work handed to departments).
#[component]
pub fn ApplicationPage(#[prop(optional)] below: Option<ViewFn>) -> impl IntoView {
    let params = use_params_map();
    let number = move || params.with(|p| p.get("number").unwrap_or_default());
    let submit = ServerAction::<SubmitApplication>::new();
    let review = ServerAction::<ReviewApplication>::new();
    let step = ServerAction::<ApplicationStep>::new();
    let (submitted, reviewed, stepped) = (successes(submit), successes(review), successes(step));
    let data = Resource::new(
        move || (number(), submitted.get(), reviewed.get(), stepped.get()),
        |(n, ..)| application(n.into()),
    );
    let (submit, review, step) = (Forms::new(submit), Forms::new(review), Forms::new(step));
    view! {
        <LiveRegion url=format!("/live/applications/{}", params.with_untracked(|p| p.get("number").unwrap_or_default()))>
            <Loaded resource=data transition=true let:view>
                <ApplicationDetail view submit review step/>
            </Loaded>
            {below.map(|below| below.run())}
        </LiveRegion>
    }
}

#[component]
fn ApplicationDetail(
    view: ApplicationView,
    submit: Forms<SubmitApplication>,
    review: Forms<ReviewApplication>,
    step: Forms<ApplicationStep>,
) -> impl IntoView {
    let t = use_texts();
    let number = view.number.clone();
    let awaited = match (view.awaits, view.viewer) {
        (Party::Customer, Party::Customer) => t.apply_awaits_you,
        (Party::Customer, _) => t.apply_awaits_customer,
        (Party::Utility, _) => t.apply_awaits_utility,
        (Party::Nobody, _) => "",
    };
    let current = view.stage;
    let reached = view.steps.iter().position(|s| *s == current);
    let (submit_number, submit_items, submit_key) = (number.clone(), view.items.clone(), view.step_key.clone());
    let submit_form = view.may_submit.then(move || {
        let form = submit.one();
        let hint = if view.stage == Stage::Draft { t.apply_submit_hint } else { t.apply_resubmit_hint };
        view! {
            <ActionForm action=submit.action() attr:class="form card submit-application" attr:novalidate=true on:submit=form.sending()>
                <input type="hidden" name="number" value=submit_number/>
                <input type="hidden" name="submission_key" value=submit_key/>
                <p>{hint}</p>
                <FormMessage error=form.error/>
                <ItemMessages error=form.error items=submit_items/>
                <button type="submit" class="button primary">{t.apply_submit}</button>
            </ActionForm>
        }
    });
    view! {
        <h1>{view.kind.label(t)}" "<span class="muted">{display_number(&view.number)}</span></h1>
        <section class="card">
            <p class="badges">{stage_badge(view.stage, t)}{due_line(view.deadline, view.paused, t)}</p>
            {(!awaited.is_empty()).then(|| view! { <p><strong>{awaited}</strong></p> })}
            <p>{view.stage.next_step(t)}</p>
            {view.paused.then(|| view! { <p class="hint">{t.apply_clock_paused_hint}</p> })}
            <dl class="facts">
                <dt>{t.apply_site_address}</dt><dd>{view.site_address}</dd>
                {view.capacity_kva.map(|kva| view! { <dt>{t.apply_capacity}</dt><dd>{format!("{kva} kVA")}</dd> })}
                <dt>{t.work_customer}</dt><dd>{view.customer_name}" · "{view.account_no}</dd>
                <dt>{t.apply_manager}</dt><dd>{view.manager_name}</dd>
                <dt>{t.apply_opened}</dt><dd>{local_datetime(view.opened_at)}</dd>
                {view.accepted_at.map(|at| view! { <dt>{t.apply_accepted}</dt><dd>{local_datetime(at)}</dd> })}
                {view.completed_at.map(|at| view! { <dt>{t.apply_completed}</dt><dd>{local_datetime(at)}</dd> })}
                <dt>{t.apply_limit}</dt><dd>{fill(t.apply_limit_days, &[("days", &view.working_days.to_string())])}</dd>
            </dl>
            {view.note.map(|note| view! { <p class="message-body">{note}</p> })}
            <h2>{t.apply_steps}</h2>
            <ol class="steps">
                {view.steps.iter().enumerate().map(|(at, s)| {
                    let state = match reached {
                        Some(r) if at < r => "done",
                        Some(r) if at == r => "current",
                        _ => "todo",
                    };
                    view! { <li class=state aria-current=(state == "current").then_some("step")>{s.label(t)}</li> }
                }).collect_view()}
            </ol>
        </section>
        <Documents number=number.clone() items=view.items.clone() may_upload=view.may_upload/>
        {submit_form}
        {view.may_review.then(|| view! {
            <ReviewForm number=number.clone() key=view.step_key.clone() items=view.items.clone() forms=review/>
        })}
        {view.actions.into_iter().map(|action| view! {
            <StepForm number=number.clone() key=view.step_key.clone() action forms=step/>
        }).collect_view()}
        <section class="card">
            <h2>{t.work_history}</h2>
            {timeline(view.events, t.apply_event_opened, |s: &Stage, t| s.label(t))}
        </section>
    }
}

/// The form-wide messages of a refusal that names items (what is still missing).
#[component]
fn ItemMessages(error: Signal<Option<crate::error::AppError>>, items: Vec<ItemView>) -> impl IntoView {
    let t = use_texts();
    view! {
        <ul class="field-errors" aria-live="polite">
            {move || error.with(|e| {
                items.iter().filter_map(|i| {
                    let problem = e.as_ref()?.for_field(i.item.field())?;
                    Some(view! { <li class="field-error">{format!("{}: {}", i.item.label(t), problem.message(t))}</li> })
                }).collect_view()
            })}
        </ul>
    }
}

/// The documents, each with its state and newest file, and while the customer may still send
/// them, a plain multipart form per item (works without JavaScript).
#[component]
fn Documents(number: String, items: Vec<ItemView>, may_upload: bool) -> impl IntoView {
    let t = use_texts();
    let sent = url_error(AddApplicationDocuments::PATH);
    view! {
        <section class="card documents">
            <h2>{t.apply_documents}</h2>
            <ul class="needs-list">
                {items.into_iter().map(|i| {
                    let field = i.item.field();
                    let error = field_message(sent, field);
                    let href = i.document.map(|(id, _)| format!("/applications/{number}/documents/{id}"));
                    let thumbnail = i.document.filter(|(_, photo)| *photo).map(|(id, _)| format!("/applications/{number}/documents/{id}/thumbnail"));
                    let upload = may_upload && i.state != ItemState::Accepted;
                    let input_id = format!("field-{field}");
                    let error_id = format!("{input_id}-error");
                    view! {
                        <li class="item" data-item=i.item.as_str() data-state=i.state.as_str()>
                            <p><strong>{i.item.label(t)}</strong>" "<span class="badge">{i.state.label(t)}</span></p>
                            <p class="hint">{i.item.reason(t)}</p>
                            {href.map(|href| view! {
                                <p>
                                    <a href=href.clone()>
                                        {thumbnail.map(|src| view! { <img src=src alt=i.item.label(t) width="96" height="96" loading="lazy"/> })}
                                        {t.apply_view_document}
                                    </a>
                                </p>
                            })}
                            {upload.then(|| view! {
                                <form method="post" action=AddApplicationDocuments::PATH enctype="multipart/form-data" class="form">
                                    <input type="hidden" name="number" value=number.clone()/>
                                    <input type="hidden" name="item" value=i.item.as_str()/>
                                    <input type="hidden" name="submission_key" value=i.upload_key.clone()/>
                                    <div class="field" class:invalid=move || error.with(Option::is_some)>
                                        <label for=input_id.clone()>{t.apply_choose_files}</label>
                                        <input id=input_id type="file" name="documents" multiple=true
                                            accept="application/pdf,image/jpeg,image/png" aria-describedby=error_id.clone()/>
                                        <p class="field-error" id=error_id aria-live="polite">{move || error.get()}</p>
                                    </div>
                                    <button type="submit" class="button">{t.apply_send_files}</button>
                                </form>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}

/// The manager's one review: accept, or tick every item to send again and ask in one go.
#[component]
fn ReviewForm(number: String, key: String, items: Vec<ItemView>, forms: Forms<ReviewApplication>) -> impl IntoView {
    let t = use_texts();
    let form = forms.one();
    let error = form.error;
    view! {
        <ActionForm action=forms.action() attr:class="form card review" attr:novalidate=true on:submit=form.sending()>
            <h2>{t.apply_review}</h2>
            <p class="hint">{t.apply_review_hint}</p>
            <input type="hidden" name="number" value=number/>
            <input type="hidden" name="submission_key" value=key/>
            <fieldset>
                <legend>{t.apply_review_ask}</legend>
                {items.into_iter().map(|i| {
                    let field = i.item.field();
                    let message = field_message(error, field);
                    let locked = matches!(i.state, ItemState::Accepted | ItemState::Requested);
                    view! {
                        <div class="field" class:invalid=move || message.with(Option::is_some)>
                            <label class="check">
                                <input type="checkbox" name=field value="1" disabled=locked
                                    checked=i.state == ItemState::Missing/>
                                " "{i.item.label(t)}" · "{i.state.label(t)}
                            </label>
                            <p class="field-error" aria-live="polite">{move || message.get()}</p>
                        </div>
                    }
                }).collect_view()}
            </fieldset>
            <p class="field-error" aria-live="polite">{move || field_message(error, "items").get()}</p>
            <FormMessage error/>
            <div class="actions">
                <button type="submit" name="decision" value="request" class="button">{t.apply_do_request}</button>
                <button type="submit" name="decision" value="accept" class="button primary">{t.apply_do_accept}</button>
            </div>
        </ActionForm>
    }
}

/// One step's form: the customer's question carries a note.
#[component]
fn StepForm(number: String, key: String, action: StepAction, forms: Forms<ApplicationStep>) -> impl IntoView {
    let t = use_texts();
    let form = forms.of("action", action.as_str());
    let note = (action == StepAction::Question).then(|| {
        let id = format!("field-{}-note", action.as_str());
        text_area(id, "note", t.apply_question_label, NOTE_MAX, form.typed("note"), form.field("note"))
    });
    let primary = matches!(action, StepAction::Advance | StepAction::Confirm);
    view! {
        <ActionForm action=forms.action() attr:class=format!("form card step-{}", action.as_str())
            attr:novalidate=true on:submit=form.sending()>
            <input type="hidden" name="number" value=number/>
            <input type="hidden" name="action" value=action.as_str()/>
            <input type="hidden" name="submission_key" value=key/>
            {note}
            <FormMessage error=form.error/>
            <button type="submit" class="button" class:primary=primary>{action.label(t)}</button>
        </ActionForm>
    }
}

/// `/supervisor/applications`: applications by kind for a chosen period.
#[component]
pub fn ApplicationsByKindPage() -> impl IntoView {
    let t = use_texts();
    let query = use_query_map();
    let days = move || query.with(|q| q.get("days"));
    let figures = Resource::new(days, |d| applications_by_kind(d.map(Into::into)));
    view! {
        <h1>{t.applications_by_kind}</h1>
        <Loaded resource=figures let:answer>
            <KindTable days=answer.0 rows=answer.1/>
        </Loaded>
    }
}

#[component]
fn KindTable(days: u32, rows: Vec<KindFigures>) -> impl IntoView {
    let t = use_texts();
    view! {
        {period_form("/supervisor/applications", days, crate::workorders::api::PERIODS)}
        <div class="table-scroll">
            <table class="figures">
                <thead>
                    <tr>
                        <th scope="col">{t.apply_kind}</th>
                        <th scope="col">{t.work_open}</th>
                        <th scope="col">{t.apply_late}</th>
                        <th scope="col">{t.work_completed_count}</th>
                        <th scope="col">{t.apply_median}</th>
                    </tr>
                </thead>
                <tbody>
                    {rows.into_iter().map(|r| view! {
                        <tr class:late={r.late > 0}>
                            <th scope="row">{r.kind.label(t)}</th>
                            <td>{r.open}</td>
                            <td>{r.late}</td>
                            <td>{r.completed}</td>
                            <td>{r.median_working_days.map_or_else(|| "—".to_owned(), |d| fill(t.apply_days, &[("days", &format!("{d:.1}"))]))}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
