//! Leaf components every page shares: form fields with their errors, failure and loading
//! views. Nothing here knows a feature: `ui` uses only `error` and `i18n` (the frame around
//! the pages, which shows the viewer and the outage banner, is `shell`).
use crate::{error::AppError, i18n::use_texts, time::local_input_value};
use leptos::{prelude::*, server_fn::ServerFn};
use leptos_router::components::Redirect;

pub mod assets;
pub mod chart;
pub mod echo;
pub mod islands;
pub mod live;
pub mod location;
pub mod personal;

/// The repair line every customer can call around the clock (national service hotline).
pub const REPAIR_LINE: &str = "95598";

/// What a page shows when its data cannot be had. Not signed in: off to sign-in.
#[component]
pub fn Failure(error: AppError) -> impl IntoView {
    let t = use_texts();
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        if let Ok(status) = http::StatusCode::from_u16(error.status()) {
            response.set_status(status);
        }
    }
    if error == AppError::NotSignedIn {
        return view! { <Redirect path="/signin"/> }.into_any();
    }
    let message = error.message(t).unwrap_or_else(|| t.err_bad_request.to_owned());
    view! {
        <section class="card failure" role="alert">
            <h1>{message}</h1>
            <a class="button" href="/">{t.back_home}</a>
        </section>
    }
    .into_any()
}

#[component]
pub fn Loading() -> impl IntoView {
    view! { <p class="loading">{use_texts().loading}</p> }
}

/// A page's data once it is there: `children` shows the value, [`Failure`] the error (or
/// `failed`, for a page that answers some errors itself). [`Loading`] shows meanwhile; the
/// server renders pages whole (`SsrMode::Async`), so people see it only while a page in the
/// browser fetches anew. With `transition`, data that refetches in place (after a form, on a
/// live update) keeps showing until the new value arrives.
#[component]
pub fn Loaded<T, V, F>(
    resource: Resource<Result<T, AppError>>,
    /// Keep the shown value while the resource refetches (a `Transition`, not a `Suspense`).
    #[prop(optional)]
    transition: bool,
    #[prop(optional, into)] failed: Option<Callback<AppError, AnyView>>,
    children: F,
) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    F: Fn(T) -> V + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let children = std::sync::Arc::new(children);
    let content = move || {
        let children = children.clone();
        Suspend::new(async move {
            match resource.await {
                Ok(value) => children(value).into_any(),
                Err(error) => match failed {
                    Some(failed) => failed.run(error),
                    None => view! { <Failure error/> }.into_any(),
                },
            }
        })
    };
    if transition {
        view! { <Transition fallback=Loading>{content}</Transition> }.into_any()
    } else {
        view! { <Suspense fallback=Loading>{content}</Suspense> }.into_any()
    }
}

/// Which of the forms sharing one action (one per card of a list, or a page's only form) was
/// sent last, so its message and confirmation show under it and nowhere else. Made where the
/// action is, above the list that is drawn anew when its data changes.
pub struct Forms<S: ServerFn + 'static>
where
    S::Output: 'static,
{
    action: ServerAction<S>,
    last: RwSignal<Option<String>>,
}

impl<S: ServerFn + 'static> Clone for Forms<S>
where
    S::Output: 'static,
{
    fn clone(&self) -> Self {
        *self
    }
}

impl<S: ServerFn + 'static> Copy for Forms<S> where S::Output: 'static {}

impl<S> Forms<S>
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Send + Sync + 'static,
{
    pub fn new(action: ServerAction<S>) -> Self {
        Self { action, last: RwSignal::new(None) }
    }

    pub fn action(self) -> ServerAction<S> {
        self.action
    }

    /// Whether the form sent last, whichever it was, went through.
    pub fn any_done(self) -> Signal<bool> {
        let Forms { action, last } = self;
        let without_js = echo::page_echo().is_some_and(|e| e.path == S::PATH && !e.refused);
        Signal::derive(move || match last.with(Option::is_some) {
            true => action.value().with(|v| matches!(v, Some(Ok(_)))),
            false => without_js,
        })
    }

    /// The page's only form of this action.
    pub fn one(self) -> FormState {
        self.state(None)
    }

    /// The form of one record: the hidden field `name` that names it, and its value.
    pub fn of(self, name: &'static str, value: impl ToString) -> FormState {
        self.state(Some((name, value.to_string())))
    }

    fn state(self, record: Option<(&'static str, String)>) -> FormState {
        let Forms { action, last } = self;
        let key = record.as_ref().map(|(_, value)| value.clone()).unwrap_or_default();
        // Sent without JavaScript: the server kept the form, and says whether it was this one.
        let echo = echo::page_echo().filter(|e| e.path == S::PATH);
        let echoed = match (&echo, &record) {
            (Some(echo), Some((name, value))) => echo.field(name) == Some(value.as_str()),
            (Some(_), None) => true,
            // The address still names an error but nothing was kept (a reload): a single form
            // may show it; a card of a list cannot tell whether it was the one.
            (None, record) => record.is_none(),
        };
        let done_without_js = echoed && echo.as_ref().is_some_and(|e| !e.refused);
        let typed = echo.filter(|e| echoed && e.refused);
        // Sent from this page: the form named last, or, for a page's only form, any run (the
        // form may have been drawn anew since, with the page's data).
        let only = record.is_none();
        let mine = {
            let key = key.clone();
            move || match last.with(|l| l.as_deref().map(|l| l == key)) {
                Some(mine) => Some(mine),
                None => (only && action.version().get() > 0).then_some(true),
            }
        };
        let error = {
            let mine = mine.clone();
            Signal::derive(move || {
                let error = action.value().with(|v| v.as_ref().and_then(|r| r.as_ref().err().cloned()));
                error.filter(|_| mine().unwrap_or(echoed))
            })
        };
        let done = Signal::derive(move || match mine() {
            Some(mine) => mine && action.value().with(|v| matches!(v, Some(Ok(_)))),
            None => done_without_js,
        });
        FormState { error, done, typed, key, last }
    }
}

/// One form as its user sees it after sending it: its error, whether it went through, and,
/// when the server refused it without JavaScript, what had been typed into it.
#[derive(Clone)]
pub struct FormState {
    pub error: Signal<Option<AppError>>,
    pub done: Signal<bool>,
    typed: Option<echo::FormEcho>,
    key: String,
    last: RwSignal<Option<String>>,
}

impl FormState {
    /// What was typed into field `name` of this form before a refusal, to put back.
    pub fn typed(&self, name: &str) -> Option<String> {
        self.typed.as_ref().and_then(|e| e.field(name)).map(str::to_owned)
    }

    /// What was typed, else the stored value.
    pub fn typed_or(&self, name: &str, stored: impl Into<Option<String>>) -> Option<String> {
        self.typed(name).or_else(|| stored.into())
    }

    /// For the form's `on:submit`: notes that this form is the one sent.
    pub fn sending(&self) -> impl Fn(leptos::ev::SubmitEvent) + Clone + 'static {
        let (last, key) = (self.last, self.key.clone());
        move |_| last.set(Some(key.clone()))
    }

    /// The translated message for one of its fields.
    pub fn field(&self, name: &'static str) -> Signal<Option<String>> {
        field_message(self.error, name)
    }
}

/// Counts an action's successful runs: what a page's data refetches on, so a refused form
/// keeps what was typed rather than being drawn anew from the stored values. Made once,
/// beside the action, not inside the resource's key.
pub fn successes<S>(action: ServerAction<S>) -> Memo<usize>
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Send + Sync + 'static,
{
    Memo::new(move |previous: Option<&usize>| {
        let version = action.version().get();
        let ok = action.value().with(|v| matches!(v, Some(Ok(_))));
        if ok {
            version
        } else {
            previous.copied().unwrap_or(0)
        }
    })
}

/// The error a plain form's server function sent back in the address (`?__path=…&__err=…`),
/// for forms that cannot be `ActionForm`s (file uploads).
pub fn url_error(path: &'static str) -> Signal<Option<AppError>> {
    let query = leptos_router::hooks::use_query_map();
    Signal::derive(move || {
        query.with(|q| {
            (q.get_str("__path") == Some(path))
                .then(|| q.get_str("__err").map(leptos::server_fn::error::ServerFnUrlError::<AppError>::decode_err))
                .flatten()
        })
    })
}

/// The translated message for one field from an action's last error.
pub fn field_message(error: Signal<Option<AppError>>, field: &'static str) -> Signal<Option<String>> {
    let t = use_texts();
    Signal::derive(move || error.with(|e| e.as_ref().and_then(|e| e.for_field(field)).map(|p| p.message(t))))
}

/// The period a figures page covers, chosen by a plain GET to `action` (`?days=`), so the
/// figures are an address that works without JavaScript.
pub fn period_form(action: &'static str, days: u32, periods: &'static [u32]) -> impl IntoView {
    let t = use_texts();
    view! {
        <form method="get" action=action class="search filters">
            <div class="search-row">
                <select name="days" aria-label=t.work_period>
                    {periods.iter().map(|d| view! {
                        <option value=d.to_string() selected=*d == days>{crate::i18n::fill(t.work_last_days, &[("days", &d.to_string())])}</option>
                    }).collect_view()}
                </select>
                <button type="submit" class="button">{t.filter}</button>
            </div>
        </form>
    }
}

/// A one-field search sent as a plain GET, so the result is an address that works without
/// JavaScript: the label, the field with its button on one row, and a message below if any.
#[component]
pub fn SearchForm(
    action: &'static str,
    id: &'static str,
    name: &'static str,
    label: &'static str,
    placeholder: &'static str,
    /// Further classes besides `search`.
    #[prop(optional)]
    class: &'static str,
    #[prop(optional)] inputmode: Option<&'static str>,
    #[prop(optional, into)] value: MaybeProp<String>,
    #[prop(default = None)] message: Option<String>,
) -> impl IntoView {
    let t = use_texts();
    let message_id = format!("{id}-error");
    let described = message.is_some().then(|| message_id.clone());
    view! {
        <form method="get" action=action class=format!("search {class}") role="search">
            <label for=id>{label}</label>
            <div class="search-row">
                <input id=id type="search" name=name inputmode=inputmode value=move || value.get() placeholder=placeholder
                    aria-describedby=described/>
                <button type="submit" class="button">{t.search}</button>
            </div>
            {message.map(|m| view! { <p class="field-error" id=message_id>{m}</p> })}
        </form>
    }
}

/// A labelled input with its error right below it, tied together for screen readers.
/// `maxlength` is the limit the server checks (the model's constant), for free text.
#[component]
pub fn Field(
    label: &'static str,
    name: &'static str,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] maxlength: Option<usize>,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] inputmode: Option<&'static str>,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(into, default = None)] value: Option<String>,
    #[prop(into)] error: Signal<Option<String>>,
) -> impl IntoView {
    let id = format!("field-{name}");
    let error_id = format!("{id}-error");
    let described = error_id.clone();
    view! {
        <div class="field" class:invalid=move || error.with(Option::is_some)>
            <label for=id.clone()>{label}</label>
            {hint.map(|h| view! { <p class="hint">{h}</p> })}
            <input
                id=id
                name=name
                type=kind
                autocomplete=autocomplete
                inputmode=inputmode
                maxlength=maxlength
                value=value
                aria-invalid=move || error.with(Option::is_some).to_string()
                aria-describedby=described
            />
            <p class="field-error" id=error_id aria-live="polite">{move || error.get()}</p>
        </div>
    }
}

/// A form that sets one date and time on a record (an estimated restoration): the record's key
/// as a hidden field, a `datetime-local` field holding the current value in local time, its
/// message, the form's message and the button. Sent without JavaScript, it posts and comes
/// back like any `ActionForm`.
#[component]
pub fn DateTimeForm<S, P>(
    action: ServerAction<S>,
    /// The hidden field that names the record (`number`, `id`) and its value.
    record_name: &'static str,
    record: String,
    /// The time's field.
    name: &'static str,
    label: &'static str,
    /// The button's text, and the words once the time is set.
    submit: &'static str,
    confirm: &'static str,
    current: Option<chrono::DateTime<chrono::Utc>>,
    #[prop(default = "form")] class: &'static str,
) -> impl IntoView
where
    S: serde::de::DeserializeOwned
        + ServerFn<Protocol = leptos::server_fn::Http<leptos::server_fn::codec::PostUrl, P>, Error = AppError>
        + Clone
        + Send
        + Sync
        + 'static,
    <<S::Client as leptos::server_fn::client::Client<AppError>>::Request as leptos::server_fn::request::ClientReq<
        AppError,
    >>::FormData: From<leptos::web_sys::FormData>,
    S::Output: Send + Sync + 'static,
    S::Client: leptos::server_fn::client::Client<AppError>,
{
    let form = Forms::new(action).one();
    view! {
        <ActionForm action attr:class=class attr:novalidate=true>
            <input type="hidden" name=record_name value=record/>
            <Field label name kind="datetime-local"
                value=form.typed_or(name, current.map(local_input_value)).unwrap_or_default() error=form.field(name)/>
            <FormMessage error=form.error done=form.done confirm/>
            <button type="submit" class="button">{submit}</button>
        </ActionForm>
    }
}

/// The form-wide message of an action's error (throttling, server trouble), above the button;
/// with `done`, the words saying what happened once the form went through (announced).
#[component]
pub fn FormMessage(
    error: Signal<Option<AppError>>,
    #[prop(optional, into)] done: Option<Signal<bool>>,
    #[prop(optional)] confirm: &'static str,
) -> impl IntoView {
    let t = use_texts();
    view! {
        {move || {
            error.with(|e| e.as_ref().and_then(|e| e.message(t))).map(|m| {
                view! { <p class="form-error" role="alert">{m}</p> }
            })
        }}
        <p class="form-done" role="status">{move || done.is_some_and(|d| d.get()).then_some(confirm)}</p>
    }
}

/// A labelled text area with its message below, for the longer fields of a form (a step's
/// note, a reply, a follow-up's outcome): `typed` is what the form sent last, kept on an error.
pub fn text_area(
    id: String,
    name: &'static str,
    label: &'static str,
    max: usize,
    typed: Option<String>,
    error: Signal<Option<String>>,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    view! {
        <div class="field" class:invalid=move || error.with(Option::is_some)>
            <label for=id.clone()>{label}</label>
            <textarea id=id name=name rows="2" maxlength=max aria-describedby=error_id.clone()>
                {textarea_text(typed.unwrap_or_default())}
            </textarea>
            <p class="field-error" id=error_id aria-live="polite">{move || error.get()}</p>
        </div>
    }
}

/// A list page's body: the button to start a new one (its address and words, when the viewer
/// may), the words for an empty list, and the cards.
pub fn card_list(new: Option<(&'static str, &'static str)>, empty: &'static str, cards: Vec<AnyView>) -> impl IntoView {
    view! {
        {new.map(|(href, words)| view! { <p><a class="button primary" href=href>{words}</a></p> })}
        {cards.is_empty().then(|| view! { <p class="empty">{empty}</p> })}
        <ul class="work-list">{cards}</ul>
    }
}

/// A choice of one from a few (`name`, its `legend`, each option's value and words), as
/// radio buttons large enough to tap, with the field's message below; `checked` is the value
/// chosen before (kept on an error).
pub fn choice_group(
    name: &'static str,
    legend: &'static str,
    options: Vec<(&'static str, &'static str)>,
    checked: Option<String>,
    error: Signal<Option<String>>,
) -> impl IntoView {
    let error_id = format!("field-{name}-error");
    let described = error_id.clone();
    view! {
        <fieldset class="field choices" class:invalid=move || error.with(Option::is_some) aria-describedby=described>
            <legend>{legend}</legend>
            {options.into_iter().map(|(value, words)| {
                let id = format!("{name}-{value}");
                view! {
                    <input type="radio" name=name id=id.clone() value=value class="choice"
                        checked=checked.as_deref() == Some(value)/>
                    <label for=id class="choice-label">{words}</label>
                }
            }).collect_view()}
            <p class="field-error" id=error_id aria-live="polite">{move || error.get()}</p>
        </fieldset>
    }
}

/// Text to put inside a `<textarea>`. Leptos writes a textarea's children into the server's
/// HTML unescaped (as it does for `<script>` and `<style>`), so a typed `</textarea><script>`
/// would end the field and run; the server escapes it here, and the browser reads the entities
/// back into the field's value. In the browser the text is already the field's own text node.
pub fn textarea_text(text: String) -> String {
    #[cfg(feature = "ssr")]
    {
        text.replace('&', "&amp;").replace('<', "&lt;")
    }
    #[cfg(not(feature = "ssr"))]
    {
        text
    }
}

/// Percent-encodes a value for a query string, the same on server and browser so hydrated
/// links match the server's.
pub fn encode_component(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    /// A page's HTML as the server writes it, resources awaited.
    #[cfg(feature = "ssr")]
    async fn render<V: leptos::prelude::IntoView + 'static>(page: impl FnOnce() -> V) -> String {
        use futures::StreamExt;
        use leptos::prelude::*;
        let _ = any_spawner::Executor::init_tokio();
        let owner = Owner::new();
        owner.set();
        let html = page().to_html_stream_in_order().collect::<String>().await;
        drop(owner);
        html
    }

    /// `Loaded` writes what the hand-written "await, then the value or `Failure`" block it
    /// replaced on every page wrote, for a value and for an error, as a `Suspense` and as a
    /// `Transition`.
    #[cfg(feature = "ssr")]
    #[tokio::test]
    async fn loaded_renders_what_the_block_it_replaced_rendered() {
        use super::{Failure, Loaded, Loading};
        use crate::error::AppError;
        use leptos::prelude::*;

        fn resource(outcome: Result<u32, AppError>) -> Resource<Result<u32, AppError>> {
            Resource::new(|| (), move |_| std::future::ready(outcome.clone()))
        }
        for outcome in [Ok(7u32), Err(AppError::NotFound)] {
            for transition in [false, true] {
                let first = outcome.clone();
                let by_hand = render(move || {
                    let data = resource(first);
                    let content = move || {
                        Suspend::new(async move {
                            match data.await {
                                Ok(n) => view! { <p class="n">{n}</p><p>"seen"</p> }.into_any(),
                                Err(error) => view! { <Failure error/> }.into_any(),
                            }
                        })
                    };
                    if transition {
                        view! { <Transition fallback=Loading>{content}</Transition> }.into_any()
                    } else {
                        view! { <Suspense fallback=Loading>{content}</Suspense> }.into_any()
                    }
                })
                .await;
                let second = outcome.clone();
                let shared = render(move || {
                    let data = resource(second);
                    view! {
                        <Loaded resource=data transition let:n>
                            <p class="n">{n}</p><p>"seen"</p>
                        </Loaded>
                    }
                })
                .await;
                assert_eq!(shared, by_hand, "{outcome:?}, transition {transition}");
                assert!(by_hand.contains(if outcome.is_ok() { "seen" } else { "failure" }), "{by_hand}");
            }
        }
    }

    /// A server function for the form tests (no endpoint: never served, nor read as the app's).
    #[cfg(feature = "ssr")]
    #[leptos::server]
    async fn set_when(id: String, when: String) -> Result<(), crate::error::AppError> {
        let _ = (id, when);
        Ok(())
    }

    /// `DateTimeForm` writes what the two estimate forms it replaced wrote by hand.
    #[cfg(feature = "ssr")]
    #[tokio::test]
    async fn the_date_time_form_is_the_estimate_form_it_replaced() {
        use super::{field_message, DateTimeForm, Field, FormMessage};
        use crate::time::local_input_value;
        use leptos::prelude::*;
        let current = chrono::DateTime::parse_from_rfc3339("2026-11-24T01:05:00Z").ok().map(|at| at.to_utc());
        for class in ["form", "form estimate"] {
            let by_hand = render(move || {
                let set = ServerAction::<SetWhen>::new();
                let error = Signal::derive(move || set.value().with(|v| v.as_ref().and_then(|r| r.as_ref().err().cloned())));
                view! {
                    <ActionForm action=set attr:class=class attr:novalidate=true>
                        <input type="hidden" name="id" value="7"/>
                        <Field label="Estimated" name="estimate" kind="datetime-local"
                            value=current.map(local_input_value).unwrap_or_default() error=field_message(error, "estimate")/>
                        <FormMessage error done=Signal::derive(|| false) confirm="Set."/>
                        <button type="submit" class="button">"Set"</button>
                    </ActionForm>
                }
            })
            .await;
            let shared = render(move || {
                let set = ServerAction::<SetWhen>::new();
                view! {
                    <DateTimeForm action=set record_name="id" record="7".to_owned() name="estimate" label="Estimated"
                        submit="Set" confirm="Set." current class/>
                }
            })
            .await;
            assert_eq!(shared, by_hand);
            assert!(by_hand.contains(r#"value="2026-11-24T09:05""#), "{by_hand}");
        }
    }

    /// A field given the model's limit carries it; one without a limit has none.
    #[cfg(feature = "ssr")]
    #[tokio::test]
    async fn a_field_carries_the_limit_it_is_given() {
        use super::Field;
        use leptos::prelude::*;
        let limited = render(
            || view! { <Field label="reason" name="reason" maxlength=200 error=Signal::derive(|| None::<String>)/> },
        );
        assert!(limited.await.contains(r#"maxlength="200""#));
        let free =
            render(|| view! { <Field label="phone" name="phone" error=Signal::derive(|| None::<String>)/> }).await;
        assert!(!free.contains("maxlength"), "{free}");
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn textarea_text_cannot_close_its_textarea() {
        assert_eq!(
            super::textarea_text("</textarea><script>x()</script> &amp;".into()),
            "&lt;/textarea>&lt;script>x()&lt;/script> &amp;amp;"
        );
    }

    #[test]
    fn query_values_are_percent_encoded() {
        assert_eq!(super::encode_component("a b&c"), "a%20b%26c");
        assert_eq!(super::encode_component("王"), "%E7%8E%8B");
        assert_eq!(super::encode_component("3100000001"), "3100000001");
    }
}
