use crate::{i18n::Texts, text_enum, time::utility_offset};
use chrono::{DateTime, Duration, NaiveTime, Utc};

text_enum!(
    Kind {
        DeadlineAtRisk => "deadline_at_risk",
        DeadlineMissed => "deadline_missed",
        FollowUp => "follow_up",
        Merged => "merged",
        TicketUpdate => "ticket_update",
        TicketReply => "ticket_reply",
        TicketLinked => "ticket_linked",
        OutagePublished => "outage_published",
        OutageReminder7d => "outage_reminder_7d",
        OutageReminder1d => "outage_reminder_1d",
        OutageStarted => "outage_started",
        OutageEstimateChanged => "outage_estimate_changed",
        OutageRestored => "outage_restored",
        OutageCancelled => "outage_cancelled",
        OutageRescheduled => "outage_rescheduled",
        ConsultationRequest => "consultation_request",
        ConsultationAnswer => "consultation_answer",
        WorkOrderDone => "work_order_done",
        WorkOrderReturned => "work_order_returned",
        WorkOrderQuestion => "work_order_question",
        WorkOrderAnswer => "work_order_answer",
        WorkOrderNew => "work_order_new",
        ApplicationSubmitted => "application_submitted",
        ApplicationDocumentsRequested => "application_documents_requested",
        ApplicationStep => "application_step",
        ComplaintReceived => "complaint_received",
        ComplaintAboutYou => "complaint_about_you",
        ComplaintContacted => "complaint_contacted",
        ComplaintReplied => "complaint_replied",
        ComplaintReview => "complaint_review",
        ManagerChanged => "manager_changed",
    }
);

impl Kind {
    pub fn label(self, t: &Texts) -> &'static str {
        match self {
            Kind::DeadlineAtRisk => t.notice_deadline_at_risk,
            Kind::DeadlineMissed => t.notice_deadline_missed,
            Kind::FollowUp => t.notice_follow_up,
            Kind::Merged => t.notice_merged,
            Kind::TicketUpdate => t.notice_ticket_update,
            Kind::TicketReply => t.notice_ticket_reply,
            Kind::TicketLinked => t.notice_ticket_linked,
            Kind::OutagePublished => t.notice_outage_published,
            Kind::OutageReminder7d => t.notice_outage_reminder_7d,
            Kind::OutageReminder1d => t.notice_outage_reminder_1d,
            Kind::OutageStarted => t.notice_outage_started,
            Kind::OutageEstimateChanged => t.notice_outage_estimate_changed,
            Kind::OutageRestored => t.notice_outage_restored,
            Kind::OutageCancelled => t.notice_outage_cancelled,
            Kind::OutageRescheduled => t.notice_outage_rescheduled,
            Kind::ConsultationRequest => t.notice_consultation_request,
            Kind::ConsultationAnswer => t.notice_consultation_answer,
            Kind::WorkOrderDone => t.notice_work_order_done,
            Kind::WorkOrderReturned => t.notice_work_order_returned,
            Kind::WorkOrderQuestion => t.notice_work_order_question,
            Kind::WorkOrderAnswer => t.notice_work_order_answer,
            Kind::WorkOrderNew => t.notice_work_order_new,
            Kind::ApplicationSubmitted => t.notice_application_submitted,
            Kind::ApplicationDocumentsRequested => t.notice_application_documents_requested,
            Kind::ApplicationStep => t.notice_application_step,
            Kind::ComplaintReceived => t.notice_complaint_received,
            Kind::ComplaintAboutYou => t.notice_complaint_about_you,
            Kind::ComplaintContacted => t.notice_complaint_contacted,
            Kind::ComplaintReplied => t.notice_complaint_replied,
            Kind::ComplaintReview => t.notice_complaint_review,
            Kind::ManagerChanged => t.notice_manager_changed,
        }
    }
}

/// What a notification is about: a ticket or an outage (its page is where it links).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Subject {
    /// A case of any kind (its id is unique across kinds).
    Case(i64),
    Outage(i64),
    /// The person's own service (their manager changed): it leads to their home page.
    Own,
}

/// What happened, in the words a notification can say, written with it: a repair's step with
/// its crew and the time it is due by. Features say what happened in these terms; the
/// notification says it in the reader's language.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "what", rename_all = "snake_case")]
pub enum Detail {
    /// The report is accepted; a crew is due by `crew_by`.
    Accepted {
        crew_by: DateTime<Utc>,
    },
    CrewDispatched {
        crew: String,
        crew_by: DateTime<Utc>,
    },
    /// The crew is there; power is due back by `power_by` when a commitment counts.
    CrewOnSite {
        power_by: Option<DateTime<Utc>>,
    },
    PowerRestored,
    Closed,
    Cancelled,
    /// Reopened because the power is off again; a crew is due by `crew_by`.
    Reopened {
        crew_by: DateTime<Utc>,
    },
    /// The customer's manager is now `name`, until `until` (a cover while theirs is away).
    ManagerChanged {
        name: String,
        until: Option<chrono::NaiveDate>,
    },
}

impl Detail {
    pub fn text(&self, t: &Texts) -> String {
        use crate::{i18n::fill, time::local_time};
        match self {
            Detail::Accepted { crew_by } => fill(t.notice_accepted, &[("time", &local_time(*crew_by))]),
            Detail::CrewDispatched { crew, crew_by } => {
                fill(t.notice_crew_dispatched, &[("crew", crew), ("time", &local_time(*crew_by))])
            }
            Detail::CrewOnSite { power_by: Some(at) } => fill(t.notice_crew_on_site_by, &[("time", &local_time(*at))]),
            Detail::CrewOnSite { power_by: None } => t.notice_crew_on_site.to_owned(),
            Detail::PowerRestored => t.notice_power_restored.to_owned(),
            Detail::Closed => t.notice_closed.to_owned(),
            Detail::Cancelled => t.notice_cancelled.to_owned(),
            Detail::Reopened { crew_by } => fill(t.notice_reopened, &[("time", &local_time(*crew_by))]),
            Detail::ManagerChanged { name, until: None } => fill(t.notice_new_manager, &[("name", name)]),
            Detail::ManagerChanged { name, until: Some(day) } => {
                fill(t.notice_cover_manager, &[("name", name), ("date", &day.format("%Y-%m-%d").to_string())])
            }
        }
    }
}

/// A notification's words: what happened when it says, else what kind of news it is.
pub fn notice_text(kind: Kind, detail: Option<&Detail>, t: &Texts) -> String {
    detail.map_or_else(|| kind.label(t).to_owned(), |d| d.text(t))
}

/// One notification per event and person: the key names the event, so however many server
/// processes notice it, the insert succeeds once. A deadline's key includes the deadline
/// itself, so a reopened repair with a new deadline is reported again; an outage reminder's
/// includes the start it is about, so a moved outage is reminded again.
pub fn dedupe_key(kind: Kind, subject_id: i64, moment: i64, user_id: i64) -> String {
    format!("{}{user_id}", key_prefix(kind, subject_id, moment))
}

/// The key without the person, for telling many people of one event in one statement.
pub fn key_prefix(kind: Kind, subject_id: i64, moment: i64) -> String {
    format!("{}:{subject_id}:{moment}:", kind.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_notification_says_what_happened() {
        let en = crate::i18n::Locale::En.texts();
        // 06:35 UTC is 14:35 in the utility's time.
        let by = chrono::DateTime::parse_from_rfc3339("2026-12-02T06:35:00Z").unwrap().to_utc();
        let dispatched = Detail::CrewDispatched { crew: "Wang".into(), crew_by: by };
        assert_eq!(notice_text(Kind::TicketUpdate, Some(&dispatched), en), "Crew dispatched: Wang, arriving by 14:35");
        assert!(notice_text(Kind::TicketUpdate, Some(&Detail::CrewOnSite { power_by: Some(by) }), en).contains("14:35"));
        assert_eq!(notice_text(Kind::TicketUpdate, None, en), en.notice_ticket_update);
        let zh = crate::i18n::Locale::Zh.texts();
        assert!(notice_text(Kind::TicketUpdate, Some(&dispatched), zh).contains("Wang"));
        // Stored as JSON and read back the same.
        let stored = serde_json::to_value(&dispatched).unwrap();
        assert_eq!(stored["what"], "crew_dispatched");
        assert_eq!(serde_json::from_value::<Detail>(stored).unwrap(), dispatched);
    }

    #[test]
    fn the_same_event_for_the_same_person_has_one_key() {
        assert_eq!(dedupe_key(Kind::DeadlineMissed, 7, 100, 1), dedupe_key(Kind::DeadlineMissed, 7, 100, 1));
        assert_ne!(dedupe_key(Kind::DeadlineMissed, 7, 100, 1), dedupe_key(Kind::DeadlineAtRisk, 7, 100, 1));
        assert_ne!(dedupe_key(Kind::DeadlineMissed, 7, 100, 1), dedupe_key(Kind::DeadlineMissed, 7, 200, 1));
        assert_ne!(dedupe_key(Kind::DeadlineMissed, 7, 100, 1), dedupe_key(Kind::DeadlineMissed, 7, 100, 2));
    }
}

/// An email address as people type it: trimmed, one @, a dot in the domain, no spaces.
/// The longest e-mail address kept (the column's CHECK says the same).
pub const EMAIL_MAX: usize = 100;

pub fn parse_email(input: &str) -> Result<Option<String>, crate::error::Problem> {
    let email = input.trim();
    if email.is_empty() {
        return Ok(None);
    }
    let valid = email.chars().count() <= EMAIL_MAX
        && !email.contains(char::is_whitespace)
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && !domain.contains('@')
                && domain.split('.').count() >= 2
                && !domain.split('.').any(str::is_empty)
        });
    if valid {
        Ok(Some(email.to_owned()))
    } else {
        Err(crate::error::Problem::BadEmail)
    }
}

/// Quiet hours as the form sends them ("HH:MM", both or neither).
pub fn parse_quiet_hours(
    from: &str,
    to: &str,
) -> Result<Option<(chrono::NaiveTime, chrono::NaiveTime)>, (&'static str, crate::error::Problem)> {
    use crate::error::Problem;
    let parse = |field: &'static str, v: &str| {
        chrono::NaiveTime::parse_from_str(v.trim(), "%H:%M").map_err(|_| (field, Problem::BadTime))
    };
    match (from.trim(), to.trim()) {
        ("", "") => Ok(None),
        ("", _) => Err(("quiet_from", Problem::Required)),
        (_, "") => Err(("quiet_to", Problem::Required)),
        (f, t) => Ok(Some((parse("quiet_from", f)?, parse("quiet_to", t)?))),
    }
}

#[cfg(test)]
mod preference_tests {
    use super::*;
    use crate::error::Problem;

    #[test]
    fn emails_and_quiet_hours_are_read_forgivingly_and_checked() {
        assert_eq!(parse_email(" li@example.com "), Ok(Some("li@example.com".to_owned())));
        assert_eq!(parse_email(""), Ok(None));
        assert_eq!(parse_email("li@example"), Err(Problem::BadEmail));
        assert_eq!(parse_email("li @example.com"), Err(Problem::BadEmail));
        assert_eq!(parse_email("a@b@c.com"), Err(Problem::BadEmail));
        let t = |h, m| chrono::NaiveTime::from_hms_opt(h, m, 0).unwrap();
        assert_eq!(parse_quiet_hours("22:00", "07:00"), Ok(Some((t(22, 0), t(7, 0)))));
        assert_eq!(parse_quiet_hours("", ""), Ok(None));
        assert_eq!(parse_quiet_hours("22:00", ""), Err(("quiet_to", Problem::Required)));
        assert_eq!(parse_quiet_hours("25:00", "07:00"), Err(("quiet_from", Problem::BadTime)));
    }
}

/// When a message may go out by SMS or email: at once, or when the person's quiet hours (local
/// time, possibly across midnight) end.
pub fn deliver_at(now: DateTime<Utc>, quiet: Option<(NaiveTime, NaiveTime)>) -> DateTime<Utc> {
    let Some((from, to)) = quiet.filter(|(from, to)| from != to) else { return now };
    let local = now.with_timezone(&utility_offset());
    let time = local.time();
    let quiet_now = if from < to { time >= from && time < to } else { time >= from || time < to };
    if !quiet_now {
        return now;
    }
    let mut end = local.date_naive().and_time(to);
    if end <= local.naive_local() {
        end += Duration::days(1);
    }
    end.and_local_timezone(utility_offset()).single().map(|at| at.with_timezone(&Utc)).unwrap_or(now)
}

/// Delivery attempts back off: 1, 2, 4, 8 … minutes, up to an hour; after this many it fails.
pub const DELIVERY_ATTEMPTS: i32 = 8;

pub fn retry_after(attempts: i32) -> Duration {
    Duration::minutes((1i64 << attempts.clamp(0, 6)).min(60))
}

#[cfg(test)]
mod delivery_tests {
    use super::*;
    use chrono::TimeZone;

    fn at(d: u32, h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, d, h, m, 0).unwrap()
    }

    #[test]
    fn quiet_hours_hold_messages_until_they_end() {
        let quiet = Some((NaiveTime::from_hms_opt(22, 0, 0).unwrap(), NaiveTime::from_hms_opt(7, 0, 0).unwrap()));
        // 23:30 in the utility's time (UTC+8) is 15:30 UTC: held until 07:00 local, 23:00 UTC.
        assert_eq!(deliver_at(at(5, 15, 30), quiet), at(5, 23, 0));
        // 06:00 local (22:00 UTC the day before) is still quiet.
        assert_eq!(deliver_at(at(4, 22, 0), quiet), at(4, 23, 0));
        // 12:00 local: at once.
        assert_eq!(deliver_at(at(5, 4, 0), quiet), at(5, 4, 0));
        assert_eq!(deliver_at(at(5, 15, 30), None), at(5, 15, 30));
        let daytime = Some((NaiveTime::from_hms_opt(12, 0, 0).unwrap(), NaiveTime::from_hms_opt(14, 0, 0).unwrap()));
        assert_eq!(deliver_at(at(5, 5, 0), daytime), at(5, 6, 0));
    }

    #[test]
    fn retries_back_off_up_to_an_hour() {
        assert_eq!(retry_after(0), Duration::minutes(1));
        assert_eq!(retry_after(3), Duration::minutes(8));
        assert_eq!(retry_after(7), Duration::minutes(60));
    }
}
