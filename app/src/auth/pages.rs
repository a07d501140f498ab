//! The sign-in page.
use super::api::SignIn;
use crate::{
    i18n::use_texts,
    ui::{field_message, last_error, Field, FormMessage},
};
use leptos::prelude::*;

#[component]
pub fn SignInPage() -> impl IntoView {
    let t = use_texts();
    let sign_in = ServerAction::<SignIn>::new();
    let error = last_error(sign_in);
    view! {
        <section class="card narrow">
            <h1>{t.sign_in}</h1>
            <ActionForm action=sign_in attr:class="form" attr:novalidate=true>
                <Field
                    label=t.identifier_label
                    hint=t.identifier_hint
                    name="identifier"
                    autocomplete="username"
                    error=field_message(error, "identifier")
                />
                <Field
                    label=t.password
                    name="password"
                    kind="password"
                    autocomplete="current-password"
                    error=field_message(error, "password")
                />
                <FormMessage error/>
                <button type="submit" class="button primary" disabled=move || sign_in.pending().get()>
                    {t.sign_in}
                </button>
            </ActionForm>
        </section>
    }
}
