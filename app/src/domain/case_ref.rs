//! Which case a notification, a link or a message is about: the kind of case and the number
//! people read out. Values, so notifications and pages can name a case without the case core.
use crate::{error::Problem, i18n::Texts, text_enum};
use serde::{Deserialize, Serialize};

text_enum!(
    /// The kinds of case. Each has its own table of facts beside `cases`, its own lifecycle
    /// and its own pages.
    CaseKind {
        Ticket => "ticket",
        WorkOrder => "work_order",
        Application => "application",
        Complaint => "complaint",
    }
);

impl CaseKind {
    /// Whether the customer's manager works the case. A complaint goes past them to the
    /// supervisor, so the manager's view of their customers' cases leaves it out.
    pub fn worked_by_customers_manager(self) -> bool {
        self != CaseKind::Complaint
    }

    pub fn label(self, t: &Texts) -> &'static str {
        match self {
            CaseKind::Ticket => t.case_kind_ticket,
            CaseKind::WorkOrder => t.case_kind_work_order,
            CaseKind::Application => t.case_kind_application,
            CaseKind::Complaint => t.case_kind_complaint,
        }
    }

    /// Where the case's page is, for links in notifications and messages.
    pub fn page(self, number: &CaseNo) -> String {
        match self {
            CaseKind::Ticket => format!("/tickets/{}", number.as_str()),
            CaseKind::WorkOrder => format!("/work/{}", number.as_str()),
            CaseKind::Application => format!("/applications/{}", number.as_str()),
            CaseKind::Complaint => format!("/complaints/{}", number.as_str()),
        }
    }
}

/// Case numbers are short enough to read out on the phone, random so that they say nothing
/// about how many cases exist, and drawn from letters and digits that cannot be confused
/// (no 0/O, 1/I/L). One space of numbers for every kind: a number names one case.
const NUMBER_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
const NUMBER_LEN: usize = 8;

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CaseNo(String);

impl CaseNo {
    /// Makes a number from random bytes (one per character).
    pub fn from_random(bytes: [u8; NUMBER_LEN]) -> Self {
        CaseNo(bytes.iter().map(|b| NUMBER_ALPHABET[*b as usize % NUMBER_ALPHABET.len()] as char).collect())
    }

    /// Reads a number as people type or say it: any case, with or without the dash.
    pub fn parse(input: &str) -> Result<Self, Problem> {
        let cleaned: String =
            input.chars().filter(|c| !matches!(c, '-' | ' ')).collect::<String>().to_ascii_uppercase();
        if cleaned.len() == NUMBER_LEN && cleaned.bytes().all(|b| NUMBER_ALPHABET.contains(&b)) {
            Ok(CaseNo(cleaned))
        } else {
            Err(Problem::BadTicketNo)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Shown as ABCD-2345: two groups are easier to read out.
    pub fn display(&self) -> String {
        format!("{}-{}", &self.0[..4], &self.0[4..])
    }
}

/// A stored number shown as people read it; a value that is not a number is shown as it is.
pub fn display_number(stored: &str) -> String {
    CaseNo::parse(stored).map(|n| n.display()).unwrap_or_else(|_| stored.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_numbers_read_out_easily() {
        let number = CaseNo::from_random([0, 1, 2, 3, 30, 31, 62, 255]);
        assert_eq!(number.as_str().len(), 8);
        assert!(!number.as_str().contains(['0', '1', 'O', 'I', 'L']));
        assert_eq!(CaseNo::parse(&number.display().to_lowercase()), Ok(number.clone()));
        assert_eq!(CaseNo::parse("ABCD-234"), Err(Problem::BadTicketNo));
        assert_eq!(CaseNo::parse("ABCD-2340"), Err(Problem::BadTicketNo));
        assert_eq!(display_number("579J48B3"), "579J-48B3");
    }
}
