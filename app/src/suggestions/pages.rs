//! Suggestions' pages: the box (open to anyone), the published answers with a customer's own
//! suggestions, and the supervisors' list to answer.
use super::{
    api::{
        suggest_form, suggestion_board, suggestions_to_answer, AnswerSuggestion, SendSuggestion, SuggestSetup,
        SuggestionView,
    },
    model::{ANSWER_WITHIN_WORKING_DAYS, BODY_MAX, NAME_MAX, REPLY_MAX, TITLE_MAX},
};
use crate::{
    case::{
        model::{display_number, CaseNo},
        pages::due_badge,
    },
    i18n::{fill, use_texts, Texts},
    time::local_datetime,
    ui::{successes, text_area, Field, FormMessage, Forms, Loaded},
};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

fn answer_limit(t: &'static Texts) -> String {
    fill(t.suggest_limit, &[("days", &ANSWER_WITHIN_WORKING_DAYS.to_string())])
}

/// `/suggest`: the suggestion box; after sending, its number (only a well-formed one is shown).
#[component]
pub fn SuggestPage() -> impl IntoView {
    let t = use_texts();
    let query = use_query_map();
    let sent = move || query.with(|q| q.get("sent")).and_then(|n| CaseNo::parse(&n).ok());
    let setup = Resource::new(|| (), |_| suggest_form());
    let forms = Forms::new(ServerAction::<SendSuggestion>::new());
    view! {
        <h1>{t.suggest_title}</h1>
        {move || sent().map(|number| view! {
            <section class="card sent" role="status">
                <p><strong>{fill(t.suggest_sent, &[("number", &number.display())])}</strong></p>
                <p>{answer_limit(t)}</p>
                <p><a href="/suggestions">{t.suggest_see_answers}</a></p>
            </section>
        })}
        <Loaded resource=setup let:setup>
            <SuggestForm setup forms/>
        </Loaded>
    }
}

#[component]
fn SuggestForm(setup: SuggestSetup, forms: Forms<SendSuggestion>) -> impl IntoView {
    let t = use_texts();
    let form = forms.one();
    let body = text_area("field-body".into(), "body", t.suggest_body, BODY_MAX, form.typed("body"), form.field("body"));
    let contact = (!setup.signed_in).then(|| {
        let (phone, phone_error) = (form.typed("phone"), form.field("phone"));
        let (name, name_error) = (form.typed("name"), form.field("name"));
        view! {
            <Field label=t.suggest_phone name="phone" kind="tel" inputmode="tel" autocomplete="tel"
                hint=t.suggest_phone_hint value=phone error=phone_error/>
            <Field label=t.suggest_name name="name" maxlength=NAME_MAX autocomplete="name" value=name error=name_error/>
        }
    });
    let (sending, error) = (form.sending(), form.error);
    view! {
        <ActionForm action=forms.action() attr:class="card form suggest" attr:novalidate=true on:submit=sending>
            <p>{t.suggest_intro}</p>
            <p class="hint">{answer_limit(t)}</p>
            <input type="hidden" name="submission_key" value=setup.submission_key/>
            {body}
            {contact}
            <FormMessage error/>
            <button type="submit" class="button primary">{t.suggest_send}</button>
        </ActionForm>
    }
}

fn suggestion_card(s: SuggestionView, t: &'static Texts) -> impl IntoView {
    view! {
        <li class="card suggestion" data-number=s.number.clone()>
            <p class="muted">{display_number(&s.number)}" · "{local_datetime(s.sent_at)}</p>
            {s.from.map(|from| view! { <p>{from}{s.phone.map(|p| format!(" · {p}"))}</p> })}
            <p class="message-body">{s.body}</p>
            <p class="badges">{due_badge(s.deadline, t)}</p>
            {s.reply.map(|reply| view! {
                <p><strong>{t.suggest_answer}</strong></p>
                <p class="message-body reply">{reply}</p>
                {s.replied_at.map(|at| view! { <p class="muted">{local_datetime(at)}</p> })}
            })}
            {s.public_title.map(|title| view! { <p class="hint">{t.suggest_published}" "{title}</p> })}
        </li>
    }
}

/// `/suggestions`: answers the utility has published for everyone, and a signed-in
/// customer's own suggestions with their answers.
#[component]
pub fn SuggestionsPage() -> impl IntoView {
    let t = use_texts();
    let board = Resource::new(|| (), |_| suggestion_board());
    view! {
        <h1>{t.suggestions_title}</h1>
        <p><a class="button primary" href="/suggest">{t.suggest_new}</a></p>
        <Loaded resource=board let:board>
            {(!board.mine.is_empty()).then(|| view! {
                <h2>{t.suggestions_mine}</h2>
                <ul class="work-list">{board.mine.into_iter().map(|s| suggestion_card(s, t)).collect_view()}</ul>
            })}
            <h2>{t.suggestions_published}</h2>
            {board.published.is_empty().then(|| view! { <p class="empty">{t.suggestions_none}</p> })}
            <ul class="work-list">
                {board.published.into_iter().map(|p| view! {
                    <li class="card public-answer">
                        <h3>{p.title}</h3>
                        <p class="message-body">{p.reply}</p>
                        <p class="muted">{local_datetime(p.replied_at)}</p>
                    </li>
                }).collect_view()}
            </ul>
        </Loaded>
    }
}

/// `/supervisor/suggestions`: every suggestion, unanswered first by when it is due, each with
/// its answer form.
#[component]
pub fn AnswerSuggestionsPage() -> impl IntoView {
    let t = use_texts();
    let answer = ServerAction::<AnswerSuggestion>::new();
    let answered = successes(answer);
    let list = Resource::new(move || answered.get(), |_| suggestions_to_answer());
    let forms = Forms::new(answer);
    view! {
        <h1>{t.suggestions_title}</h1>
        <Loaded resource=list transition=true let:rows>
            {rows.is_empty().then(|| view! { <p class="empty">{t.suggestions_none}</p> })}
            <ul class="work-list">
                {rows.into_iter().map(|s| {
                    let open = s.reply.is_none();
                    let number = s.number.clone();
                    view! {
                        {suggestion_card(s, t)}
                        {open.then(|| view! { <AnswerForm number forms/> })}
                    }
                }).collect_view()}
            </ul>
        </Loaded>
    }
}

#[component]
fn AnswerForm(number: String, forms: Forms<AnswerSuggestion>) -> impl IntoView {
    let t = use_texts();
    let form = forms.of("number", &number);
    let id = |name: &str| format!("field-{name}-{number}");
    let reply = text_area(id("reply"), "reply", t.suggest_answer, REPLY_MAX, form.typed("reply"), form.field("reply"));
    let title = text_area(
        id("public_title"),
        "public_title",
        t.suggest_public_title,
        TITLE_MAX,
        form.typed("public_title"),
        form.field("public_title"),
    );
    let publish = form.typed("publish").is_some();
    let (sending, error) = (form.sending(), form.error);
    view! {
        <li class="card">
            <ActionForm action=forms.action() attr:class="form answer-suggestion" attr:novalidate=true on:submit=sending>
                <input type="hidden" name="number" value=number.clone()/>
                {reply}
                <label class="check">
                    <input type="checkbox" name="publish" value="1" checked=publish/>
                    " "{t.suggest_publish}
                </label>
                {title}
                <p class="hint">{t.suggest_public_hint}</p>
                <FormMessage error/>
                <button type="submit" class="button primary">{t.suggest_send_answer}</button>
            </ActionForm>
        </li>
    }
}
