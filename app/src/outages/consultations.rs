//! Large customers are consulted about planned outages touching their sites: the contact
//! acknowledges or asks for another window, the member manager answers, and both see the
//! exchange.
use super::model::{consultation_standing, ConsultationStatus, ConsultationStep, OutageStatus, NOTE_MAX};
use crate::domain::Text;
use crate::{
    error::AppError,
    i18n::use_texts,
    time::local_datetime,
    ui::{self, successes, FormMessage, Forms, Loaded},
};
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsultationMessage {
    pub author: String,
    pub step: ConsultationStep,
    pub body: String,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsultationView {
    pub id: i64,
    pub outage_id: i64,
    pub reason: String,
    pub outage_status: OutageStatus,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub site: String,
    pub account_no: String,
    pub status: ConsultationStatus,
    pub messages: Vec<ConsultationMessage>,
    /// The steps the viewer may take now.
    pub steps: Vec<ConsultationStep>,
}

/// The contact's consultations (their company's sites), or a manager's (their customers' sites).
#[server(endpoint = "consultations")]
pub async fn consultations() -> Result<Vec<ConsultationView>, AppError> {
    use crate::auth::{model::Role, session::require_role};
    let user = require_role(&[Role::LargeContact, Role::Manager]).await?;
    super::service::consultations(&crate::db::pool()?, &user).await
}

/// One turn in a consultation. Someone else's consultation answers exactly like a missing one.
#[server(endpoint = "consult")]
pub async fn consult(id: Text, step: Text, body: Text) -> Result<(), AppError> {
    use crate::{
        auth::{model::Role, session::require_role},
        domain::text::parse_text,
    };
    let user = require_role(&[Role::LargeContact, Role::Manager]).await?;
    let pool = crate::db::pool()?;
    let id: i64 = id.trim().parse().map_err(|_| AppError::NotFound)?;
    let row = super::service::consultation(&pool, &user, id).await?;
    let step: ConsultationStep = step.parse().map_err(|_| AppError::BadRequest)?;
    // A request for another window needs its reason; an answer needs words.
    let needs_words = step != ConsultationStep::Acknowledge;
    let body = parse_text(&body, NOTE_MAX, needs_words).map_err(|p| AppError::field("body", p))?;
    super::service::consult(&pool, &user, &row, step, &body).await
}

#[component]
pub fn ConsultationsPage() -> impl IntoView {
    let t = use_texts();
    let consult = ServerAction::<Consult>::new();
    let forms = Forms::new(consult);
    let consulted = successes(consult);
    let list = Resource::new(move || consulted.get(), |_| consultations());
    view! {
        <h1>{t.consultations}</h1>
        <Loaded resource=list let:list>
            {if list.is_empty() {
                view! { <p class="empty">{t.no_consultations}</p> }.into_any()
            } else {
                view! {
                    <ul class="consultations">
                        {list.into_iter().map(|c| view! { <ConsultationCard c forms/> }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </Loaded>
    }
}

#[component]
fn ConsultationCard(c: ConsultationView, forms: Forms<Consult>) -> impl IntoView {
    let t = use_texts();
    let form = forms.of("id", c.id);
    let error = form.error;
    let body_error = form.field("body");
    let typed = form.typed("body");
    let id = c.id.to_string();
    let body_id = format!("consult-body-{}", c.id);
    view! {
        <li class="card consultation">
            <a href=format!("/outages/{}", c.outage_id)>{c.reason.clone()}</a>
            <p class="muted">{format!("{} – {}", local_datetime(c.starts_at), local_datetime(c.ends_at))}</p>
            <p>{format!("{} · {}", c.site, c.account_no)}" "<span class="badge">{consultation_standing(c.status, c.outage_status, !c.steps.is_empty(), t)}</span></p>
            <ol class="exchange">
                {c.messages.iter().map(|m| view! {
                    <li>
                        <strong>{m.author.clone()}</strong>" · "{m.step.label(t)}" · "{local_datetime(m.at)}
                        {(!m.body.is_empty()).then(|| view! { <p>{m.body.clone()}</p> })}
                    </li>
                }).collect_view()}
            </ol>
            {(!c.steps.is_empty()).then(|| view! {
                <ActionForm action=forms.action() attr:class="form consult" attr:novalidate=true on:submit=form.sending()>
                    <input type="hidden" name="id" value=id.clone()/>
                    {ui::text_area(body_id.clone(), "body", t.consultation_words, NOTE_MAX, typed.clone(), body_error)}
                    <FormMessage error done=form.done confirm=t.consultation_sent/>
                    <div class="actions">
                        {c.steps.iter().map(|s| view! {
                            <button type="submit" name="step" value=s.as_str() class=format!("button step-{}", s.as_str())>{s.label(t)}</button>
                        }).collect_view()}
                    </div>
                </ActionForm>
            })}
        </li>
    }
}
