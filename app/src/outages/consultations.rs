//! Large customers are consulted about planned outages touching their sites: the contact
//! acknowledges or asks for another window, the member manager answers, and both see the
//! exchange.
use super::model::{ConsultationStatus, ConsultationStep, OutageStatus, NOTE_MAX};
use crate::domain::Text;
use crate::{
    error::AppError,
    i18n::use_texts,
    time::local_datetime,
    ui::{field_message, last_error, FormMessage, Loaded},
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
    use super::{model::consultation_step, store};
    use crate::auth::{model::Role, session::require_role};
    let user = require_role(&[Role::LargeContact, Role::Manager]).await?;
    let pool = crate::db::pool()?;
    let by_contact = user.role == Role::LargeContact;
    let rows = if by_contact {
        store::consultations_for(&pool, user.company_id, None, None).await?
    } else {
        store::consultations_for(&pool, None, Some(user.user_id), None).await?
    };
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let messages = store::consultation_messages(&pool, &ids).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let steps = if r.outage_status == OutageStatus::Scheduled {
                ConsultationStep::ALL
                    .iter()
                    .copied()
                    .filter(|s| consultation_step(r.status, *s, by_contact).is_ok())
                    .collect()
            } else {
                Vec::new()
            };
            ConsultationView {
                messages: messages
                    .iter()
                    .filter(|m| m.consultation_id == r.id)
                    .map(|m| ConsultationMessage {
                        author: m.author.clone(),
                        step: m.step,
                        body: m.body.clone(),
                        at: m.at,
                    })
                    .collect(),
                id: r.id,
                outage_id: r.outage_id,
                reason: r.reason,
                outage_status: r.outage_status,
                starts_at: r.starts_at,
                ends_at: r.ends_at,
                site: r.site,
                account_no: r.account_no,
                status: r.status,
                steps,
            }
        })
        .collect())
}

/// One turn in a consultation. Someone else's consultation answers exactly like a missing one.
#[server(endpoint = "consult")]
pub async fn consult(id: Text, step: Text, body: Text) -> Result<(), AppError> {
    use super::{model::consultation_step, store};
    use crate::{
        auth::{model::Role, session::require_role},
        domain::text::parse_text,
        error::Refusal,
        notifications::{
            model::{dedupe_key, Kind, Subject},
            service as notifications,
        },
    };
    let user = require_role(&[Role::LargeContact, Role::Manager]).await?;
    let pool = crate::db::pool()?;
    let id: i64 = id.trim().parse().map_err(|_| AppError::NotFound)?;
    let by_contact = user.role == Role::LargeContact;
    let row = if by_contact {
        store::consultations_for(&pool, user.company_id, None, Some(id)).await?
    } else {
        store::consultations_for(&pool, None, Some(user.user_id), Some(id)).await?
    }
    .into_iter()
    .next()
    .ok_or(AppError::NotFound)?;
    let step: ConsultationStep = step.parse().map_err(|_| AppError::BadRequest)?;
    // A request for another window needs its reason; an answer needs words.
    let needs_words = step != ConsultationStep::Acknowledge;
    let body = parse_text(&body, NOTE_MAX, needs_words).map_err(|p| AppError::field("body", p))?;
    if row.outage_status != OutageStatus::Scheduled {
        return Err(AppError::Refused(Refusal::NotNow));
    }
    let mut tx = pool.begin().await?;
    let from = store::lock_consultation(&mut tx, id).await?;
    let to = consultation_step(from, step, by_contact).map_err(AppError::Refused)?;
    let message_id = store::add_consultation_message(&mut tx, id, user.user_id, step, &body, to).await?;
    let (kind, told) = match step {
        ConsultationStep::ChangeRequest => (Kind::ConsultationRequest, vec![row.manager_user_id]),
        ConsultationStep::Answer => (Kind::ConsultationAnswer, store::company_contacts(&mut tx, id).await?),
        ConsultationStep::Acknowledge => (Kind::ConsultationAnswer, Vec::new()),
    };
    for person in told {
        let key = dedupe_key(kind, row.outage_id, message_id, person);
        notifications::notify(&mut tx, person, kind, Subject::Outage(row.outage_id), &key).await?;
    }
    tx.commit().await?;
    Ok(())
}

#[component]
pub fn ConsultationsPage() -> impl IntoView {
    let t = use_texts();
    let consult = ServerAction::<Consult>::new();
    let list = Resource::new(move || consult.version().get(), |_| consultations());
    view! {
        <h1>{t.consultations}</h1>
        <Loaded resource=list let:list>
            {if list.is_empty() {
                view! { <p class="empty">{t.no_consultations}</p> }.into_any()
            } else {
                view! {
                    <ul class="consultations">
                        {list.into_iter().map(|c| view! { <ConsultationCard c consult/> }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </Loaded>
    }
}

#[component]
fn ConsultationCard(c: ConsultationView, consult: ServerAction<Consult>) -> impl IntoView {
    let t = use_texts();
    let error = last_error(consult);
    let id = c.id.to_string();
    let body_id = format!("consult-body-{}", c.id);
    view! {
        <li class="card consultation">
            <a href=format!("/outages/{}", c.outage_id)>{c.reason.clone()}</a>
            <p class="muted">{format!("{} – {}", local_datetime(c.starts_at), local_datetime(c.ends_at))}</p>
            <p>{format!("{} · {}", c.site, c.account_no)}" "<span class="badge">{c.status.label(t)}</span></p>
            <ol class="exchange">
                {c.messages.iter().map(|m| view! {
                    <li>
                        <strong>{m.author.clone()}</strong>" · "{m.step.label(t)}" · "{local_datetime(m.at)}
                        {(!m.body.is_empty()).then(|| view! { <p>{m.body.clone()}</p> })}
                    </li>
                }).collect_view()}
            </ol>
            {(!c.steps.is_empty()).then(|| view! {
                <ActionForm action=consult attr:class="form consult" attr:novalidate=true>
                    <input type="hidden" name="id" value=id.clone()/>
                    <div class="field" class:invalid=move || field_message(error, "body").with(Option::is_some)>
                        <label for=body_id.clone()>{t.consultation_words}</label>
                        <textarea id=body_id.clone() name="body" rows="2" maxlength=NOTE_MAX></textarea>
                        <p class="field-error" aria-live="polite">{move || field_message(error, "body").get()}</p>
                    </div>
                    <FormMessage error/>
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
