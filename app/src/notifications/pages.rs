use super::{
    api::{contact_preferences, my_notifications, ContactChoices, MarkNotificationsRead, SaveContactPreferences},
    model::{notice_text, EMAIL_MAX},
};
use crate::{
    i18n::{fill, use_texts},
    time::local_datetime,
    ui::{successes, Field, FormMessage, Forms, Loaded},
};
use leptos::prelude::*;

#[component]
pub fn NotificationsPage() -> impl IntoView {
    let t = use_texts();
    let mark = ServerAction::<MarkNotificationsRead>::new();
    let marked = Forms::new(mark).one();
    let marked_count = successes(mark);
    let notices = Resource::new(move || marked_count.get(), |_| my_notifications());
    view! {
        <h1>{t.notifications}</h1>
        <ActionForm action=mark attr:class="inline">
            <button type="submit" class="button">{t.mark_all_read}</button>
        </ActionForm>
        <FormMessage error=marked.error done=marked.done confirm=t.marked_read/>
        " "<a href="/settings">{t.contact_preferences}</a>
        <Loaded resource=notices transition=true let:list>
            {list.is_empty().then(|| view! { <p class="empty">{t.no_notifications}</p> })}
            <ul class="notices">
                {list.into_iter().map(|n| view! {
                    <li class="card notice" class:unread=n.unread>
                        <a href=n.href>{notice_text(n.kind, n.detail.as_ref(), t)}</a>
                        <p class="muted">{format!("{} · {}", local_datetime(n.at), n.about)}</p>
                    </li>
                }).collect_view()}
            </ul>
        </Loaded>
    }
}

/// `/settings`: SMS and email, and quiet hours when nothing but the portal speaks.
#[component]
pub fn ContactPreferencesPage() -> impl IntoView {
    let t = use_texts();
    let save = ServerAction::<SaveContactPreferences>::new();
    let saved = successes(save);
    let prefs = Resource::new(move || saved.get(), |_| contact_preferences());
    view! {
        <h1>{t.contact_preferences}</h1>
        <Loaded resource=prefs let:p>
            <PreferencesForm p save/>
        </Loaded>
    }
}

#[component]
fn PreferencesForm(p: ContactChoices, save: ServerAction<SaveContactPreferences>) -> impl IntoView {
    let t = use_texts();
    let form = Forms::new(save).one();
    let error = form.error;
    // Refused without JavaScript, the form comes back as typed: the box as sent (absent when
    // unticked), the rest by field.
    let sms = if form.typed("email").is_some() { form.typed("sms").is_some() } else { p.sms };
    view! {
        <ActionForm action=save attr:class="form preferences" attr:novalidate=true>
            {p.phone.clone().map(|phone| view! {
                <label class="check"><input type="checkbox" name="sms" value="1" checked=sms/>" "{fill(t.prefs_sms, &[("phone", &phone)])}</label>
            })}
            <Field label=t.prefs_email name="email" kind="email" autocomplete="email" maxlength=EMAIL_MAX value=form.typed_or("email", p.email)
                error=form.field("email")/>
            <p class="hint">{t.prefs_quiet_hint}</p>
            <Field label=t.prefs_quiet_from name="quiet_from" kind="time" value=form.typed_or("quiet_from", p.quiet_from)
                error=form.field("quiet_from")/>
            <Field label=t.prefs_quiet_to name="quiet_to" kind="time" value=form.typed_or("quiet_to", p.quiet_to)
                error=form.field("quiet_to")/>
            <FormMessage error done=form.done confirm=t.prefs_saved/>
            <button type="submit" class="button primary">{t.save}</button>
        </ActionForm>
    }
}
