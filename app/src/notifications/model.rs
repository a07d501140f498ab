use crate::{i18n::Texts, text_enum};

text_enum!(
    Kind {
        DeadlineAtRisk => "deadline_at_risk",
        DeadlineMissed => "deadline_missed",
        FollowUp => "follow_up",
        Merged => "merged",
    }
);

impl Kind {
    pub fn label(self, t: &Texts) -> &'static str {
        match self {
            Kind::DeadlineAtRisk => t.notice_deadline_at_risk,
            Kind::DeadlineMissed => t.notice_deadline_missed,
            Kind::FollowUp => t.notice_follow_up,
            Kind::Merged => t.notice_merged,
        }
    }
}

/// One notification per event and person: the key names the event, so however many server
/// processes notice it, the insert succeeds once. A deadline's key includes the deadline
/// itself, so a reopened repair with a new deadline is reported again.
pub fn dedupe_key(kind: Kind, ticket_id: i64, moment: i64, user_id: i64) -> String {
    format!("{}:{ticket_id}:{moment}:{user_id}", kind.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_event_for_the_same_person_has_one_key() {
        assert_eq!(dedupe_key(Kind::DeadlineMissed, 7, 100, 1), dedupe_key(Kind::DeadlineMissed, 7, 100, 1));
        assert_ne!(dedupe_key(Kind::DeadlineMissed, 7, 100, 1), dedupe_key(Kind::DeadlineAtRisk, 7, 100, 1));
        assert_ne!(dedupe_key(Kind::DeadlineMissed, 7, 100, 1), dedupe_key(Kind::DeadlineMissed, 7, 200, 1));
        assert_ne!(dedupe_key(Kind::DeadlineMissed, 7, 100, 1), dedupe_key(Kind::DeadlineMissed, 7, 100, 2));
    }
}
