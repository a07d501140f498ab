//! What every kind of case's page shows the same way: the timeline, the message form's
//! fields and the photo form. A kind's page gives its own status names and its own server
//! functions; the rest is written once here.
use super::{
    model::{display_number, EventKind, EventView, Payload, MESSAGE_MAX},
    picker::PhotoPicker,
};
use crate::{
    i18n::{fill, use_texts, Texts},
    time::local_datetime,
    ui::{field_message, text_area, url_error, FormMessage, FormState},
};
use leptos::prelude::*;

/// The timeline, oldest first; `opened` names the first entry and `status` a step, in the
/// kind's own words (a report is received, a work order is handed over).
pub fn timeline<S: 'static>(
    events: Vec<EventView<S>>,
    opened: &'static str,
    status: fn(&S, &'static Texts) -> &'static str,
) -> impl IntoView {
    let t = use_texts();
    view! {
        <ol class="history timeline">
            {events.into_iter().map(|e| {
                let what = match (e.kind, &e.status) {
                    (EventKind::Reported, _) => opened,
                    (EventKind::MergedFrom, _) => t.merged_from,
                    (EventKind::Attachments, _) => t.event_photo,
                    (EventKind::Status, Some(s)) => status(s, t),
                    (EventKind::Estimate, _) => t.event_estimate,
                    (EventKind::Note, _) => t.internal_note,
                    (EventKind::ManagerChanged, _) => t.event_manager_changed,
                    _ => t.event_message,
                };
                let body = match e.payload {
                    Some(Payload::Estimate { at }) => Some(local_datetime(at)),
                    Some(Payload::Crew { name, phone }) => Some(format!("{name} {phone}")),
                    Some(Payload::MergedInto { number } | Payload::MergedFrom { number }) => Some(display_number(&number)),
                    Some(Payload::ManagerChanged { name }) => Some(name),
                    Some(Payload::Attachments { .. }) | None => e.body,
                };
                view! {
                    <li class:internal=e.internal class:from-staff=e.by_staff>
                        <p><strong>{what}</strong></p>
                        {body.map(|b| view! { <p class="message-body">{b}</p> })}
                        <p class="muted">{format!("{} · {}", local_datetime(e.at), e.actor.unwrap_or_default())}</p>
                    </li>
                }
            }).collect_view()}
        </ol>
    }
}

/// When an open case's step is due (a work order, an application's utility steps), flagged
/// once it is at risk or overdue.
pub fn due_badge(deadline: Option<super::model::Deadline>, t: &'static Texts) -> impl IntoView {
    use super::model::DeadlineState;
    deadline.map(|d| {
        let time = local_datetime(d.at);
        let args = [("time", time.as_str())];
        let (class, text) = match d.state {
            DeadlineState::Missed => ("badge deadline missed", fill(t.work_overdue, &args)),
            DeadlineState::AtRisk => ("badge deadline at-risk", fill(t.work_due_soon, &args)),
            DeadlineState::OnTime => ("badge deadline", fill(t.work_due, &args)),
        };
        view! { <span class=class>{text}</span> }
    })
}

/// A case's photos as thumbnails, each linking to the full photo under `base` (the kind's
/// `/…/{number}/photos`, served to those who may see the case); nothing when there are none.
pub fn photo_grid(base: String, ids: &[i64]) -> impl IntoView {
    let t = use_texts();
    (!ids.is_empty()).then(|| {
        view! {
            <section class="card photos">
                <h2>{t.photos}</h2>
                <div class="photo-grid">
                    {ids.iter().map(|id| {
                        let href = format!("{base}/{id}");
                        let src = format!("{href}/thumbnail");
                        view! { <a href=href><img src=src alt=t.photos loading="lazy" width="96" height="96"/></a> }
                    }).collect_view()}
                </div>
            </section>
        }
    })
}

/// The fields of a case's message form, inside the kind's own `ActionForm` (it names the
/// kind's server function): the case number, the form's one-time key, the message, and for
/// staff the internal-note box.
pub fn message_fields(number: String, key: String, staff: bool, form: FormState) -> impl IntoView {
    let t = use_texts();
    let error = form.error;
    let label = if staff { t.reply_to_customer } else { t.message_manager };
    view! {
        <input type="hidden" name="number" value=number/>
        <input type="hidden" name="submission_key" value=key/>
        {text_area("field-body".into(), "body", label, MESSAGE_MAX, form.typed("body"), field_message(error, "body"))}
        {staff.then(|| view! {
            <label class="check"><input type="checkbox" name="internal" value="1"/>" "{t.internal_note_hint}</label>
        })}
        <FormMessage error done=form.done confirm=t.message_sent/>
        <button type="submit" class="button">{t.send}</button>
    }
}

/// Adds photos to a case: a plain multipart form to the kind's server function at `action`,
/// so it works without JavaScript, and errors come back in the address like every other form's.
/// `label` says what the photos are of, in the kind's words; `key` is the form's one-time key.
#[component]
pub fn PhotoForm(action: &'static str, number: String, key: String, label: &'static str) -> impl IntoView {
    let t = use_texts();
    let error = field_message(url_error(action), "photos");
    view! {
        <form method="post" action=action enctype="multipart/form-data" class="form photo-upload">
            <input type="hidden" name="number" value=number/>
            <input type="hidden" name="submission_key" value=key/>
            <PhotoPicker label error/>
            <button type="submit" class="button">{t.add_photos}</button>
        </form>
    }
}
