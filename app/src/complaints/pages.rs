//! Complaints' pages: the form (with the supervision phone beside it), the list, and one
//! complaint with its rounds of handling, the handler's contact and reply forms, the
//! customer's rating and review, and the manager's account.
use super::{
    api::{
        complaint, complaint_form, my_complaints, AddComplaintPhotos, AskComplaintReview, ComplaintSetup,
        ComplaintSummary, ComplaintView, ContactComplaint, GiveComplaintAccount, RateComplaint, ReplyComplaint,
        SendComplaint,
    },
    model::{
        Category, ContactMethod, Finding, Party, Round, Stage, ACCOUNT_MAX, CONTACT_WITHIN_HOURS, REASON_MAX,
        REPLY_MAX, REPLY_WITHIN_WORKING_DAYS, WHAT_HAPPENED_MAX,
    },
};
use crate::{
    case::{
        model::{display_number, MESSAGE_MAX},
        pages::{due_badge, photo_grid, timeline, PhotoForm},
    },
    i18n::{fill, use_texts, Texts},
    time::local_datetime,
    ui::{card_list, choice_group, live::LiveRegion, successes, text_area, Field, FormMessage, Forms, Loaded},
};
use leptos::{prelude::*, server_fn::ServerFn};
use leptos_router::hooks::{use_params_map, use_query_map};

fn stage_badge(stage: Stage, t: &'static Texts) -> impl IntoView {
    view! { <span class=format!("badge complaint-{}", stage.as_str())>{stage.label(t)}</span> }
}

/// The published limits, in the words customers read them.
fn limits_line(t: &'static Texts) -> String {
    fill(
        t.complaint_limits,
        &[("hours", &CONTACT_WITHIN_HOURS.to_string()), ("days", &REPLY_WITHIN_WORKING_DAYS.to_string())],
    )
}

/// `/complain`: what happened, its category, the case it is about (filled in when the
/// customer came from one), sent to the manager's supervisor.
#[component]
pub fn ComplainPage() -> impl IntoView {
    let t = use_texts();
    let query = use_query_map();
    let about = move || query.with(|q| q.get("about"));
    let setup = Resource::new(about, |a| complaint_form(a.map(Into::into)));
    let forms = Forms::new(ServerAction::<SendComplaint>::new());
    view! {
        <h1>{t.complain_title}</h1>
        <Loaded resource=setup let:setup>
            <ComplainForm setup forms/>
        </Loaded>
    }
}

#[component]
fn ComplainForm(setup: ComplaintSetup, forms: Forms<SendComplaint>) -> impl IntoView {
    let t = use_texts();
    let form = forms.one();
    let account_error = form.field("account_no");
    let several = setup.accounts.len() > 1;
    let categories = Category::ALL.iter().map(|c| (c.as_str(), c.label(t))).collect();
    let category =
        choice_group("category", t.complain_category, categories, form.typed("category"), form.field("category"));
    let what = text_area(
        "field-what_happened".into(),
        "what_happened",
        t.complain_what_happened,
        WHAT_HAPPENED_MAX,
        form.typed("what_happened"),
        form.field("what_happened"),
    );
    let (concerns, concerns_error) =
        (form.typed_or("concerns", setup.about.as_deref().map(display_number)), form.field("concerns"));
    let (sending, error) = (form.sending(), form.error);
    view! {
        <section class="card">
            <p>{t.complain_intro}</p>
            <p class="hint">{limits_line(t)}</p>
            {setup.supervision_phone.map(|phone| view! {
                <p>{t.complain_or_call}" "<a class="phone" href=format!("tel:{phone}")>{phone.clone()}</a></p>
            })}
            <p><a href="/suggest">{t.complain_suggest_instead}</a></p>
        </section>
        <ActionForm action=forms.action() attr:class="card form complain" attr:novalidate=true on:submit=sending>
            <input type="hidden" name="submission_key" value=setup.submission_key.clone()/>
            {if several {
                view! {
                    <div class="field" class:invalid=move || account_error.with(Option::is_some)>
                        <label for="field-account_no">{t.which_site}</label>
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
            {category}
            {what}
            <Field label=t.complain_concerns name="concerns" hint=t.complain_concerns_hint value=concerns error=concerns_error/>
            <p class="hint">{t.complain_photos_next}</p>
            <FormMessage error/>
            <button type="submit" class="button primary">{t.complain_send}</button>
        </ActionForm>
    }
}

fn summary_card(c: ComplaintSummary, t: &'static Texts) -> impl IntoView {
    view! {
        <li class="card complaint-summary">
            <a class="ticket-link" href=format!("/complaints/{}", c.number)>{display_number(&c.number)}</a>
            " "<strong>{c.category.label(t)}</strong>
            <p class="badges">
                {stage_badge(c.stage, t)}
                {(c.round == 2).then(|| view! { <span class="badge">{t.complaint_review_round}</span> })}
                {due_badge(c.deadline, t)}
            </p>
            {c.customer.map(|name| view! { <p>{name}{c.handler.map(|h| format!(" · {h}"))}</p> })}
            <p class="muted">{local_datetime(c.opened_at)}</p>
        </li>
    }
}

/// `/complaints`: the customer's complaints; a manager's, those about their work; every one
/// for a supervisor, those waiting on the utility first.
#[component]
pub fn ComplaintsPage() -> impl IntoView {
    let t = use_texts();
    let list = Resource::new(|| (), |_| my_complaints());
    view! {
        <h1>{t.complaints_title}</h1>
        <Loaded resource=list let:mine>
            {card_list(
                mine.may_complain.then_some(("/complain", t.complain_new)),
                t.complaints_none,
                mine.complaints.into_iter().map(|c| summary_card(c, t).into_any()).collect(),
            )}
        </Loaded>
    }
}

/// The step forms a complaint's page may show, made once above its data.
#[derive(Clone, Copy)]
struct StepForms {
    contact: Forms<ContactComplaint>,
    reply: Forms<ReplyComplaint>,
    rate: Forms<RateComplaint>,
    review: Forms<AskComplaintReview>,
    account: Forms<GiveComplaintAccount>,
}

/// `/complaints/:number`: where the complaint stands, what happened, each round of handling,
/// and the step that is the viewer's to take; live while open.
#[component]
pub fn ComplaintPage() -> impl IntoView {
    let params = use_params_map();
    let number = move || params.with(|p| p.get("number").unwrap_or_default());
    let contact = ServerAction::<ContactComplaint>::new();
    let reply = ServerAction::<ReplyComplaint>::new();
    let rate = ServerAction::<RateComplaint>::new();
    let review = ServerAction::<AskComplaintReview>::new();
    let account = ServerAction::<GiveComplaintAccount>::new();
    let done = [successes(contact), successes(reply), successes(rate), successes(review), successes(account)];
    let data = Resource::new(move || (number(), done.map(|d| d.get())), |(n, _)| complaint(n.into()));
    let forms = StepForms {
        contact: Forms::new(contact),
        reply: Forms::new(reply),
        rate: Forms::new(rate),
        review: Forms::new(review),
        account: Forms::new(account),
    };
    view! {
        <LiveRegion url=format!("/live/complaints/{}", params.with_untracked(|p| p.get("number").unwrap_or_default()))>
            <Loaded resource=data transition=true let:view>
                <ComplaintDetail view forms/>
            </Loaded>
        </LiveRegion>
    }
}

#[component]
fn ComplaintDetail(view: ComplaintView, forms: StepForms) -> impl IntoView {
    let t = use_texts();
    let number = view.number.clone();
    let key = view.step_key.clone();
    let step =
        move |on: bool, f: fn(String, String, StepForms) -> AnyView| on.then(|| f(number.clone(), key.clone(), forms));
    let contact = step(view.may_contact, contact_form);
    let reply = step(view.may_reply, reply_form);
    let rate = step(view.may_rate, rate_form);
    let review = step(view.may_ask_review, review_form);
    let account = step(view.may_give_account, account_form);
    let staff = matches!(view.viewer, Party::Handler | Party::Supervisor);
    view! {
        <h1>{t.complaint_title}" "<span class="muted">{display_number(&view.number)}</span></h1>
        <section class="card">
            <p class="badges">
                {stage_badge(view.stage, t)}
                {(view.round == 2).then(|| view! { <span class="badge">{t.complaint_review_round}</span> })}
                {due_badge(view.deadline, t)}
            </p>
            <p>{next_step(&view, t)}</p>
            <dl class="facts">
                <dt>{t.complain_category}</dt><dd>{view.category.label(t)}</dd>
                <dt>{t.complaint_sent}</dt><dd>{local_datetime(view.opened_at)}</dd>
                {view.concerns.map(|n| view! { <dt>{t.complain_concerns}</dt><dd>{display_number(&n)}</dd> })}
                {view.customer.map(|c| view! { <dt>{t.work_customer}</dt><dd>{c}</dd> })}
                <dt>{t.complaint_manager}</dt><dd>{view.manager_name}</dd>
                {view.handler_name.map(|h| view! { <dt>{t.complaint_handler}</dt><dd>{h}</dd> })}
            </dl>
            <h2>{t.complain_what_happened}</h2>
            <p class="message-body">{view.what_happened}</p>
            {view.manager_account.map(|a| view! {
                <h2>{t.complaint_manager_account}</h2>
                <p class="message-body">{a}</p>
            })}
        </section>
        {photo_grid(format!("/complaints/{}/photos", view.number), &view.photos)}
        {view.may_attach.then(|| view! {
            <section class="card">
                <PhotoForm action=AddComplaintPhotos::PATH number=view.number.clone() key=view.photo_key.clone()
                    label=t.complaint_choose_photos/>
            </section>
        })}
        {view.rounds.into_iter().map(|r| round_card(r, staff, t)).collect_view()}
        {contact}{reply}{rate}{review}{account}
        {(view.viewer != Party::Manager).then(|| view! {
            <section class="card">
                <h2>{t.work_history}</h2>
                {timeline(view.events, t.complaint_event_sent, |s: &Stage, t| s.label(t))}
            </section>
        })}
    }
}

/// What happens next, as the viewer needs to read it.
fn next_step(view: &ComplaintView, t: &'static Texts) -> &'static str {
    match (view.viewer, view.stage) {
        (Party::Manager, _) => t.complaint_manager_hint,
        (_, Stage::Received) => t.complaint_next_contact,
        (_, Stage::Contacted) => t.complaint_next_reply,
        (Party::Customer, Stage::Replied) => t.complaint_next_rate,
        (_, Stage::Replied) => t.complaint_next_customer,
        (_, Stage::Closed) => t.complaint_next_closed,
    }
}

fn round_card(r: Round, staff: bool, t: &'static Texts) -> impl IntoView {
    let title = if r.round == 1 { t.complaint_first_round } else { t.complaint_review_round };
    let rating = r.satisfied.map(|s| if s { t.complaint_satisfied } else { t.complaint_not_satisfied });
    view! {
        <section class="card complaint-round" data-round=r.round>
            <h2>{title}</h2>
            <dl class="facts">
                {staff.then(|| view! { <dt>{t.complaint_handler}</dt><dd>{r.handler_name.clone()}</dd> })}
                <dt>{t.complaint_started}</dt><dd>{local_datetime(r.started_at)}</dd>
                {r.contacted_at.map(|at| view! {
                    <dt>{t.complaint_contacted}</dt>
                    <dd>{local_datetime(at)}{r.contact_method.map(|m| format!(" · {}", m.label(t)))}</dd>
                })}
                {r.finding.map(|f| view! { <dt>{t.complaint_finding}</dt><dd class="finding">{f.label(t)}</dd> })}
            </dl>
            {r.finding_reason.map(|reason| view! { <h3>{t.complaint_reason}</h3><p class="message-body">{reason}</p> })}
            {r.reply.map(|reply| view! { <h3>{t.complaint_reply}</h3><p class="message-body reply">{reply}</p> })}
            {rating.map(|rating| view! {
                <p><strong>{t.complaint_rating}</strong>" "<span class="rating">{rating}</span></p>
                {r.rating_reason.map(|why| view! { <p class="message-body">{why}</p> })}
            })}
        </section>
    }
}

fn hidden(number: String, key: String) -> impl IntoView {
    view! {
        <input type="hidden" name="number" value=number/>
        <input type="hidden" name="submission_key" value=key/>
    }
}

fn submit(error: Signal<Option<crate::error::AppError>>, words: &'static str) -> impl IntoView {
    view! {
        <FormMessage error/>
        <button type="submit" class="button primary">{words}</button>
    }
}

fn contact_form(number: String, key: String, forms: StepForms) -> AnyView {
    let t = use_texts();
    let form = forms.contact.one();
    let methods = ContactMethod::ALL.iter().map(|m| (m.as_str(), m.label(t))).collect();
    let method =
        choice_group("method", t.complaint_contact_method, methods, form.typed("method"), form.field("method"));
    let (at, at_error) = (form.typed("contacted_at"), form.field("contacted_at"));
    let (sending, error) = (form.sending(), form.error);
    view! {
        <ActionForm action=forms.contact.action() attr:class="form card contact-complaint" attr:novalidate=true on:submit=sending>
            <h2>{t.complaint_record_contact}</h2>
            {hidden(number, key)}
            <Field label=t.complaint_contacted_at name="contacted_at" kind="datetime-local" hint=t.complaint_contacted_at_hint
                value=at error=at_error/>
            {method}
            {submit(error, t.complaint_record_contact)}
        </ActionForm>
    }
    .into_any()
}

fn reply_form(number: String, key: String, forms: StepForms) -> AnyView {
    let t = use_texts();
    let form = forms.reply.one();
    let findings = Finding::ALL.iter().map(|f| (f.as_str(), f.label(t))).collect();
    let finding = choice_group("finding", t.complaint_finding, findings, form.typed("finding"), form.field("finding"));
    let reason = text_area(
        "field-reason".into(),
        "reason",
        t.complaint_reason,
        REASON_MAX,
        form.typed("reason"),
        form.field("reason"),
    );
    let reply = text_area(
        "field-reply".into(),
        "reply",
        t.complaint_reply,
        REPLY_MAX,
        form.typed("reply"),
        form.field("reply"),
    );
    let (sending, error) = (form.sending(), form.error);
    view! {
        <ActionForm action=forms.reply.action() attr:class="form card reply-complaint" attr:novalidate=true on:submit=sending>
            <h2>{t.complaint_give_reply}</h2>
            {hidden(number, key)}
            {finding}
            {reason}
            {reply}
            {submit(error, t.complaint_send_reply)}
        </ActionForm>
    }
    .into_any()
}

fn rate_form(number: String, key: String, forms: StepForms) -> AnyView {
    let t = use_texts();
    let form = forms.rate.one();
    let answers = vec![("yes", t.complaint_satisfied), ("no", t.complaint_not_satisfied)];
    let answer =
        choice_group("satisfied", t.complaint_rate_question, answers, form.typed("satisfied"), form.field("satisfied"));
    let reason = text_area(
        "field-rating-reason".into(),
        "reason",
        t.complaint_rate_why,
        REASON_MAX,
        form.typed("reason"),
        form.field("reason"),
    );
    let (sending, error) = (form.sending(), form.error);
    view! {
        <ActionForm action=forms.rate.action() attr:class="form card rate-complaint" attr:novalidate=true on:submit=sending>
            <h2>{t.complaint_rate}</h2>
            {hidden(number, key)}
            {answer}
            {reason}
            {submit(error, t.complaint_send_rating)}
        </ActionForm>
    }
    .into_any()
}

fn review_form(number: String, key: String, forms: StepForms) -> AnyView {
    let t = use_texts();
    let form = forms.review.one();
    let why =
        text_area("field-why".into(), "why", t.complaint_review_why, MESSAGE_MAX, form.typed("why"), form.field("why"));
    let (sending, error) = (form.sending(), form.error);
    view! {
        <ActionForm action=forms.review.action() attr:class="form card review-complaint" attr:novalidate=true on:submit=sending>
            <h2>{t.complaint_ask_review}</h2>
            <p class="hint">{t.complaint_review_hint}</p>
            {hidden(number, key)}
            {why}
            {submit(error, t.complaint_ask_review)}
        </ActionForm>
    }
    .into_any()
}

fn account_form(number: String, key: String, forms: StepForms) -> AnyView {
    let t = use_texts();
    let form = forms.account.one();
    let account = text_area(
        "field-account".into(),
        "account",
        t.complaint_your_account,
        ACCOUNT_MAX,
        form.typed("account"),
        form.field("account"),
    );
    let (sending, error) = (form.sending(), form.error);
    view! {
        <ActionForm action=forms.account.action() attr:class="form card complaint-account" attr:novalidate=true on:submit=sending>
            <h2>{t.complaint_manager_account}</h2>
            <p class="hint">{t.complaint_account_hint}</p>
            {hidden(number, key)}
            {account}
            {submit(error, t.complaint_send_account)}
        </ActionForm>
    }
    .into_any()
}
