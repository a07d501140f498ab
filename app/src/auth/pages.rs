//! The sign-in page.
use super::api::SignIn;
use crate::{
    i18n::use_texts,
    ui::{Field, FormMessage, Forms},
};
use leptos::prelude::*;

#[component]
pub fn SignInPage() -> impl IntoView {
    let t = use_texts();
    let sign_in = ServerAction::<SignIn>::new();
    // A refused sign-in without JavaScript comes back with the identifier, never the password.
    let form = Forms::new(sign_in).one();
    let error = form.error;
    view! {
        <section class="card narrow">
            <h1>{t.sign_in}</h1>
            <ActionForm action=sign_in attr:class="form" attr:novalidate=true>
                <Field
                    label=t.identifier_label
                    hint=t.identifier_hint
                    name="identifier"
                    autocomplete="username"
                    value=form.typed("identifier")
                    error=form.field("identifier")
                />
                <Field
                    label=t.password
                    name="password"
                    kind="password"
                    autocomplete="current-password"
                    error=form.field("password")
                />
                <FormMessage error/>
                <button type="submit" class="button primary" disabled=move || sign_in.pending().get()>
                    {t.sign_in}
                </button>
            </ActionForm>
        </section>
    }
}
