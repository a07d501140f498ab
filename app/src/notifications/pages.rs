use super::{
    api::{contact_preferences, my_notifications, ContactChoices, MarkNotificationsRead, SaveContactPreferences},
    model::EMAIL_MAX,
};
use crate::{
    i18n::{fill, use_texts},
    time::local_datetime,
    ui::{field_message, last_error, Field, FormMessage, Loaded},
};
use leptos::prelude::*;

#[component]
pub fn NotificationsPage() -> impl IntoView {
    let t = use_texts();
    let mark = ServerAction::<MarkNotificationsRead>::new();
    let notices = Resource::new(move || mark.version().get(), |_| my_notifications());
    view! {
        <h1>{t.notifications}</h1>
        <ActionForm action=mark attr:class="inline">
            <button type="submit" class="button">{t.mark_all_read}</button>
        </ActionForm>
        " "<a href="/settings">{t.contact_preferences}</a>
        <Loaded resource=notices transition=true let:list>
            {list.is_empty().then(|| view! { <p class="empty">{t.no_notifications}</p> })}
            <ul class="notices">
                {list.into_iter().map(|n| view! {
                    <li class="card notice" class:unread=n.unread>
                        <a href=n.href>{n.kind.label(t)}</a>
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
    let prefs = Resource::new(move || save.version().get(), |_| contact_preferences());
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
    let error = last_error(save);
    let saved = move || save.value().with(|v| matches!(v, Some(Ok(()))));
    view! {
        <ActionForm action=save attr:class="form preferences" attr:novalidate=true>
            {p.phone.clone().map(|phone| view! {
                <label class="check"><input type="checkbox" name="sms" value="1" checked=p.sms/>" "{fill(t.prefs_sms, &[("phone", &phone)])}</label>
            })}
            <Field label=t.prefs_email name="email" kind="email" autocomplete="email" maxlength=EMAIL_MAX value=p.email
                error=field_message(error, "email")/>
            <p class="hint">{t.prefs_quiet_hint}</p>
            <Field label=t.prefs_quiet_from name="quiet_from" kind="time" value=p.quiet_from error=field_message(error, "quiet_from")/>
            <Field label=t.prefs_quiet_to name="quiet_to" kind="time" value=p.quiet_to error=field_message(error, "quiet_to")/>
            <FormMessage error/>
            {move || saved().then(|| view! { <p class="saved" role="status">{t.prefs_saved}</p> })}
            <button type="submit" class="button primary">{t.save}</button>
        </ActionForm>
    }
}
