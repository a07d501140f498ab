//! Work orders' pages: the department's work list, one work order, the work orders on a case's
//! page (the customer's lines, or staff's list with the hand-off form), the manager's list in
//! the queue, and the supervisor's figures by department.
use super::{
    api::{
        case_work, my_work_orders, work_by_department, work_list, work_order, AddWorkPhotos, DepartmentWork, HandOff,
        WorkNote, WorkOnCase, WorkOrderView, WorkStep, WorkSummary, PERIODS,
    },
    model::{CustomerLine, WorkAction, WorkKind, WorkState, ASK_MAX, CUSTOMER_LINE_MAX, DETAILS_MAX, NOTE_MAX},
};
use crate::{
    case::{
        model::{display_number, MESSAGE_MAX},
        pages::{due_badge, photo_grid, timeline, PhotoForm},
    },
    i18n::{fill, use_locale, use_texts, Texts},
    time::local_datetime,
    ui::personal::{archive_link, masked_with_link},
    ui::{period_form, successes, text_area, Field, FormMessage, FormState, Forms, Loaded},
};
use leptos::{prelude::*, server_fn::ServerFn};
use leptos_router::hooks::{use_params_map, use_query_map};

fn state_badge(state: WorkState, t: &'static Texts) -> impl IntoView {
    view! { <span class=format!("badge work-{}", state.as_str())>{state.label(t)}</span> }
}

fn summary_card(
    w: WorkSummary,
    t: &'static Texts,
    locale: crate::i18n::Locale,
    show_department: bool,
) -> impl IntoView {
    view! {
        <li class="card work-summary">
            <a class="ticket-link" href=format!("/work/{}", w.number)>{display_number(&w.number)}</a>
            " "<strong>{w.kind.label(t)}</strong>
            <p class="badges">
                {state_badge(w.state, t)}
                {due_badge(w.deadline, t)}
            </p>
            <p>
                {show_department.then(|| format!("{} · ", w.department.get(locale)))}
                {w.customer_name}
                {w.taken_by.map(|name| format!(" · {}", fill(t.work_taken_by, &[("name", &name)])))}
            </p>
            {w.customer_line.map(|line| view! { <p class="message-body">{line}</p> })}
        </li>
    }
}

/// `/department`, below the department's name: its work list, filtered by kind and state.
#[component]
pub fn WorkList() -> impl IntoView {
    let t = use_texts();
    let locale = use_locale();
    let query = use_query_map();
    let filters = move || query.with(|q| (q.get("kind"), q.get("state")));
    let list = Resource::new(filters, |(kind, state)| work_list(kind.map(Into::into), state.map(Into::into)));
    let (kind, state) =
        query.with_untracked(|q| (q.get("kind").unwrap_or_default(), q.get("state").unwrap_or_default()));
    // Anyone else already sees why above (the department's own heading fails first).
    let nothing = |_| ().into_any();
    view! {
        <Loaded resource=list failed=nothing let:orders>
            <section class="card">
                <h2>{t.work_items}</h2>
                <form method="get" action="/department" class="search filters">
                    <div class="search-row">
                        <select name="kind" aria-label=t.work_filter_kind>
                            <option value="" selected=kind.is_empty()>{t.work_all_kinds}</option>
                            {WorkKind::ALL.iter().map(|k| view! {
                                <option value=k.as_str() selected=kind == k.as_str()>{k.label(t)}</option>
                            }).collect_view()}
                        </select>
                        <select name="state" aria-label=t.filter_status>
                            <option value="" selected=state.is_empty()>{t.all_statuses}</option>
                            {WorkState::ALL.iter().map(|s| view! {
                                <option value=s.as_str() selected=state == s.as_str()>{s.label(t)}</option>
                            }).collect_view()}
                        </select>
                        <button type="submit" class="button">{t.filter}</button>
                    </div>
                </form>
                {orders.is_empty().then(|| view! { <p class="empty">{t.no_work_items}</p> })}
                <ul class="work-list">
                    {orders.into_iter().map(|w| summary_card(w, t, locale, false)).collect_view()}
                </ul>
            </section>
        </Loaded>
    }
}

/// `/work/:number`: one work order, for its department's staff and the customer's manager.
#[component]
pub fn WorkOrderPage() -> impl IntoView {
    let params = use_params_map();
    let number = move || params.with(|p| p.get("number").unwrap_or_default());
    let step = ServerAction::<WorkStep>::new();
    let note = ServerAction::<WorkNote>::new();
    let (stepped, noted) = (successes(step), successes(note));
    let data = Resource::new(move || (number(), stepped.get(), noted.get()), |(n, ..)| work_order(n.into()));
    let steps = Forms::new(step);
    let notes = Forms::new(note);
    view! {
        <Loaded resource=data transition=true let:view>
            <WorkOrderDetail view steps notes/>
        </Loaded>
    }
}

#[component]
fn WorkOrderDetail(view: WorkOrderView, steps: Forms<WorkStep>, notes: Forms<WorkNote>) -> impl IntoView {
    let t = use_texts();
    let locale = use_locale();
    let number = view.number.clone();
    let (note_number, photo_number) = (number.clone(), number.clone());
    let note_form = notes.one();
    let note_error = note_form.field("body");
    let (note_sending, note_typed) = (note_form.sending(), note_form.typed("body"));
    let (note_failed, note_done) = (note_form.error, note_form.done);
    let archive = archive_link(&view.account_no, Some(&view.number));
    view! {
        <h1>{view.kind.label(t)}" "<span class="muted">{display_number(&view.number)}</span></h1>
        <section class="card">
            <p class="badges">{state_badge(view.state, t)}{due_badge(view.deadline, t)}</p>
            <dl class="facts">
                <dt>{t.work_department}</dt><dd>{view.department.get(locale).to_owned()}</dd>
                {view.part_of.map(|(n, page)| view! {
                    <dt>{t.work_part_of}</dt>
                    <dd><a href=page>{display_number(&n)}</a></dd>
                })}
                <dt>{t.work_customer}</dt><dd>{view.customer_name}" · "{view.account_no}</dd>
                <dt>{t.address}</dt><dd>{view.address}</dd>
                <dt>{t.work_phone}</dt>
                <dd>
                    {if view.call_customer || view.viewer_is_manager {
                        masked_with_link(view.phone.clone(), archive.clone()).into_any()
                    } else {
                        view! { <span class="mono masked">{view.phone.clone()}</span> }.into_any()
                    }}
                    {view.call_customer.then(|| view! { " "<span class="badge">{t.work_call_customer}</span> })}
                </dd>
                <dt>{t.work_handed_by}</dt><dd>{view.handed_by}" · "{local_datetime(view.opened_at)}</dd>
                {view.taken_by.map(|name| view! { <dt>{t.work_holder}</dt><dd>{name}</dd> })}
            </dl>
            <h2>{t.work_ask}</h2>
            <p class="message-body">{view.ask}</p>
            {view.customer_line.map(|line| view! {
                <h2>{t.work_customer_line}</h2>
                <p class="message-body">{line}</p>
            })}
            {view.details.map(|details| view! {
                <h2>{t.work_details}</h2>
                <p class="message-body">{details}</p>
            })}
            {view.return_reason.map(|reason| view! {
                <h2>{t.work_return_reason}</h2>
                <p class="message-body">{reason}</p>
            })}
        </section>
        <FormMessage error=Signal::derive(|| None) done=steps.any_done() confirm=t.work_step_done/>
        {view.actions.into_iter().map(|action| view! { <StepForm number=number.clone() action steps/> }).collect_view()}
        {photo_grid(format!("/work/{number}/photos"), &view.photos)}
        <section class="card">
            <h2>{t.work_history}</h2>
            {timeline(view.events, t.work_event_handed, |s: &WorkState, t| s.label(t))}
            <ActionForm action=notes.action() attr:class="form" attr:novalidate=true on:submit=note_sending>
                <input type="hidden" name="number" value=note_number/>
                <input type="hidden" name="submission_key" value=view.note_key.clone()/>
                {text_area("field-body".into(), "body", t.internal_note, MESSAGE_MAX, note_typed, note_error)}
                <FormMessage error=note_failed done=note_done confirm=t.message_sent/>
                <button type="submit" class="button">{t.work_add_note}</button>
            </ActionForm>
            <PhotoForm action=AddWorkPhotos::PATH number=photo_number key=view.photo_key.clone() label=t.work_choose_photos/>
        </section>
    }
}

/// The form of one step, with the fields that step needs.
#[component]
fn StepForm(number: String, action: WorkAction, steps: Forms<WorkStep>) -> impl IntoView {
    let t = use_texts();
    let form: FormState = steps.of("action", action.as_str());
    let id = |name: &str| format!("field-{}-{name}", action.as_str());
    let fields = match action {
        WorkAction::Ask | WorkAction::Answer | WorkAction::Return => {
            let label = match action {
                WorkAction::Ask => t.work_question,
                WorkAction::Answer => t.work_answer_label,
                _ => t.work_return_reason,
            };
            text_area(id("note"), "note", label, NOTE_MAX, form.typed("note"), form.field("note")).into_any()
        }
        WorkAction::Complete => view! {
            {text_area(id("customer_line"), "customer_line", t.work_customer_line, CUSTOMER_LINE_MAX,
                form.typed("customer_line"), form.field("customer_line"))}
            <p class="hint">{t.work_customer_line_hint}</p>
            {text_area(id("details"), "details", t.work_details, DETAILS_MAX, form.typed("details"), form.field("details"))}
        }
        .into_any(),
        WorkAction::Take | WorkAction::Cancel => ().into_any(),
    };
    let primary = matches!(action, WorkAction::Take | WorkAction::Complete | WorkAction::Answer);
    view! {
        <ActionForm action=steps.action() attr:class=format!("form card work-step step-{}", action.as_str())
            attr:novalidate=true on:submit=form.sending()>
            <input type="hidden" name="number" value=number/>
            <input type="hidden" name="action" value=action.as_str()/>
            {fields}
            <FormMessage error=form.error/>
            <button type="submit" class="button" class:primary=primary>{action.label(t)}</button>
        </ActionForm>
    }
}

/// Below a case's page: the customer's one line per work order, or for staff every order on
/// the case and the form to hand part of it to a department. It sits in the case page's live
/// region (a change to a work order is heard there).
#[component]
pub fn CaseWorkPanel() -> impl IntoView {
    let params = use_params_map();
    let number = move || params.with(|p| p.get("number").unwrap_or_default());
    let hand_off = ServerAction::<HandOff>::new();
    let handed = successes(hand_off);
    let work = Resource::new(move || (number(), handed.get()), |(n, _)| case_work(n.into()));
    let forms = Forms::new(hand_off);
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                work.await.ok().map(|work| view! { <CaseWorkView work forms/> })
            })}
        </Transition>
    }
}

#[component]
fn CaseWorkView(work: WorkOnCase, forms: Forms<HandOff>) -> impl IntoView {
    let t = use_texts();
    let locale = use_locale();
    if !work.staff {
        return (!work.lines.is_empty())
            .then(|| {
                view! {
                    <section class="card work-lines">
                        <h2>{t.work_on_case}</h2>
                        <ul>
                            {work.lines.into_iter().map(|line| match line {
                                CustomerLine::With { department, due } => view! {
                                    <li>{fill(t.work_line_with, &[
                                        ("department", department.get(locale)),
                                        ("due", &local_datetime(due)),
                                    ])}</li>
                                }.into_any(),
                                CustomerLine::Done { line } => view! { <li class="done">{line}</li> }.into_any(),
                            }).collect_view()}
                        </ul>
                    </section>
                }
            })
            .into_any();
    }
    let form = forms.one();
    view! {
        <section class="card work-orders">
            <h2>{t.work_on_case}</h2>
            {work.orders.is_empty().then(|| view! { <p class="empty">{t.work_none_on_case}</p> })}
            <ul class="work-list">
                {work.orders.into_iter().map(|w| summary_card(w, t, locale, true)).collect_view()}
            </ul>
            {work.hand_off_key.map(|key| view! { <HandOffForm number=Some(work.number.clone()) key form=form.clone() forms/> })}
        </section>
    }
    .into_any()
}

/// Hands work to a department: part of the case `number`, or, without one, for the customer
/// whose account number is typed in.
#[component]
fn HandOffForm(number: Option<String>, key: String, form: FormState, forms: Forms<HandOff>) -> impl IntoView {
    let t = use_texts();
    let kind_error = form.field("work_kind");
    let chosen = form.typed("work_kind").unwrap_or_default();
    let sending = form.sending();
    let (ask_typed, ask_error) = (form.typed("ask"), form.field("ask"));
    let target = match number {
        Some(number) => view! {
            <h3>{t.work_hand_off}</h3>
            <input type="hidden" name="number" value=number/>
        }
        .into_any(),
        None => view! {
            <Field label=t.account_no name="account" inputmode="numeric" value=form.typed("account")
                error=form.field("account")/>
        }
        .into_any(),
    };
    view! {
        <ActionForm action=forms.action() attr:class="form hand-off" attr:novalidate=true on:submit=sending>
            {target}
            <input type="hidden" name="submission_key" value=key/>
            <div class="field" class:invalid=move || kind_error.with(Option::is_some)>
                <label for="field-work_kind">{t.work_kind}</label>
                <select id="field-work_kind" name="work_kind" aria-describedby="field-work_kind-error">
                    <option value="" selected=chosen.is_empty()>{t.work_choose_kind}</option>
                    {WorkKind::ALL.iter().map(|k| view! {
                        <option value=k.as_str() selected=chosen == k.as_str()>{k.label(t)}</option>
                    }).collect_view()}
                </select>
                <p class="field-error" id="field-work_kind-error" aria-live="polite">{move || kind_error.get()}</p>
            </div>
            {text_area("field-ask".into(), "ask", t.work_ask, ASK_MAX, ask_typed, ask_error)}
            <label class="check"><input type="checkbox" name="call_customer" value="1"/>" "{t.work_call_customer}</label>
            <FormMessage error=form.error done=form.done confirm=t.work_handed/>
            <button type="submit" class="button primary">{t.work_hand_off_send}</button>
        </ActionForm>
    }
}

/// Above the manager's queue: the work orders on their customers, refreshed with the queue,
/// and a form to hand a department work of its own for one of the manager's customers.
#[component]
pub fn QueueWorkOrders() -> impl IntoView {
    let t = use_texts();
    let locale = use_locale();
    let hand_off = ServerAction::<HandOff>::new();
    let handed = successes(hand_off);
    let forms = Forms::new(hand_off);
    let work = Resource::new(move || handed.get(), |_| my_work_orders());
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                work.await.ok().map(|work| {
                    let form = forms.one();
                    // Open when the form has something to say (a refusal, or what was done).
                    let open = form.typed("submission_key").is_some() || form.done.get_untracked();
                    view! {
                        <section class="card work-orders">
                            <h2>{t.work_orders}</h2>
                            <ul class="work-list">
                                {work.orders.into_iter().map(|w| summary_card(w, t, locale, true)).collect_view()}
                            </ul>
                            <details class="hand-off-own" open=open>
                                <summary>{t.work_hand_off_customer}</summary>
                                <HandOffForm number=None key=work.hand_off_key form forms/>
                            </details>
                        </section>
                    }
                })
            })}
        </Transition>
    }
}

/// `/supervisor/work-orders`: work orders by department for a chosen period.
#[component]
pub fn WorkByDepartmentPage() -> impl IntoView {
    let t = use_texts();
    let query = use_query_map();
    let days = move || query.with(|q| q.get("days"));
    let figures = Resource::new(days, |d| work_by_department(d.map(Into::into)));
    view! {
        <h1>{t.work_by_department}</h1>
        <Loaded resource=figures let:answer>
            <DepartmentTable days=answer.0 rows=answer.1/>
        </Loaded>
    }
}

#[component]
fn DepartmentTable(days: u32, rows: Vec<DepartmentWork>) -> impl IntoView {
    let t = use_texts();
    let locale = use_locale();
    view! {
        {period_form("/supervisor/work-orders", days, PERIODS)}
        <div class="table-scroll">
            <table class="figures">
                <thead>
                    <tr>
                        <th scope="col">{t.work_department}</th>
                        <th scope="col">{t.work_open}</th>
                        <th scope="col">{t.work_overdue_count}</th>
                        <th scope="col">{t.work_handed_count}</th>
                        <th scope="col">{t.work_completed_count}</th>
                        <th scope="col">{t.work_median}</th>
                    </tr>
                </thead>
                <tbody>
                    {rows.into_iter().map(|r| view! {
                        <tr class:late={r.overdue > 0}>
                            <th scope="row">{r.department.get(locale).to_owned()}</th>
                            <td>{r.open}</td>
                            <td>{r.overdue}</td>
                            <td>{r.handed}</td>
                            <td>{r.completed}</td>
                            <td>{r.median_hours.map_or_else(|| "—".to_owned(), |h| fill(t.work_hours, &[("hours", &format!("{h:.1}"))]))}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
