//! Who is signed in, how they identify themselves, and the sign-in rules.
use crate::{
    customers::model::{AccountNo, Phone},
    error::Problem,
    text_enum,
};
use serde::{Deserialize, Serialize};

text_enum!(
    Role {
        Customer => "customer",
        LargeContact => "large_contact",
        Manager => "manager",
        Department => "department",
        Supervisor => "supervisor",
    }
);

impl Role {
    /// Where a user lands after signing in.
    pub fn home(self) -> &'static str {
        match self {
            Role::Customer | Role::LargeContact => "/me",
            Role::Manager => "/manager",
            Role::Department => "/department",
            Role::Supervisor => "/supervisor",
        }
    }

    pub fn is_staff(self) -> bool {
        matches!(self, Role::Manager | Role::Department | Role::Supervisor)
    }
}

/// The signed-in user as every server function sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionUser {
    pub user_id: i64,
    pub role: Role,
    pub display_name: String,
    /// The company a large-customer contact works for.
    pub company_id: Option<i64>,
}

/// A staff employee number: one letter and four digits, e.g. M1001.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmployeeNo(String);

impl EmployeeNo {
    pub fn parse(input: &str) -> Option<Self> {
        let upper = input.trim().to_ascii_uppercase();
        let bytes = upper.as_bytes();
        (bytes.len() == 5 && bytes[0].is_ascii_uppercase() && bytes[1..].iter().all(u8::is_ascii_digit))
            .then_some(EmployeeNo(upper))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What a person types into the one sign-in field: customers their phone or account number,
/// staff their employee number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Identifier {
    Phone(Phone),
    Account(AccountNo),
    Employee(EmployeeNo),
}

impl Identifier {
    pub fn parse(input: &str) -> Result<Self, Problem> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(Problem::Required);
        }
        if let Some(employee) = EmployeeNo::parse(trimmed) {
            return Ok(Identifier::Employee(employee));
        }
        if let Ok(phone) = Phone::parse(trimmed) {
            return Ok(Identifier::Phone(phone));
        }
        AccountNo::parse(trimmed).map(Identifier::Account).map_err(|_| Problem::BadIdentifier)
    }

    /// One spelling per identity, so throttling counts "138 0013 8000" and "13800138000" together.
    pub fn key(&self) -> String {
        match self {
            Identifier::Phone(p) => format!("phone:{}", p.as_str()),
            Identifier::Account(a) => format!("account:{}", a.as_str()),
            Identifier::Employee(e) => format!("employee:{}", e.as_str()),
        }
    }
}

/// Failed sign-ins allowed for one identifier within [`THROTTLE_WINDOW_MINUTES`].
pub const MAX_FAILURES: i64 = 5;
pub const THROTTLE_WINDOW_MINUTES: i64 = 15;

/// Whether another attempt may be made, given the recent failures (oldest first counts most:
/// the lock lifts when the oldest failure in the window ages out).
pub fn throttle(recent_failures: i64, minutes_since_oldest: i64) -> Result<(), u32> {
    if recent_failures < MAX_FAILURES {
        return Ok(());
    }
    let wait = (THROTTLE_WINDOW_MINUTES - minutes_since_oldest).max(1);
    Err(wait as u32)
}

/// How long a session lasts. Customers on their own phones stay signed in for a month; staff
/// screens are shared, so a working day.
pub fn session_hours(role: Role) -> i64 {
    if role.is_staff() {
        12
    } else {
        24 * 30
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifier_tells_phone_account_and_employee_apart() {
        assert!(matches!(Identifier::parse("13800138000"), Ok(Identifier::Phone(_))));
        assert!(matches!(Identifier::parse("3100000001"), Ok(Identifier::Account(_))));
        assert!(matches!(Identifier::parse(" m1001 "), Ok(Identifier::Employee(e)) if e.as_str() == "M1001"));
        assert_eq!(Identifier::parse(""), Err(Problem::Required));
        assert_eq!(Identifier::parse("hello"), Err(Problem::BadIdentifier));
        assert_eq!(Identifier::parse("12345"), Err(Problem::BadIdentifier));
    }

    #[test]
    fn same_phone_typed_differently_is_one_identity() {
        let a = Identifier::parse("138 0013 8000").unwrap();
        let b = Identifier::parse("13800138000").unwrap();
        assert_eq!(a.key(), b.key());
    }

    #[test]
    fn fifth_failure_locks_until_the_window_passes() {
        assert_eq!(throttle(0, 0), Ok(()));
        assert_eq!(throttle(MAX_FAILURES - 1, 3), Ok(()));
        assert_eq!(throttle(MAX_FAILURES, 3), Err(12));
        assert_eq!(throttle(MAX_FAILURES + 3, 15), Err(1));
    }

    #[test]
    fn staff_sessions_are_shorter_than_customers() {
        assert!(session_hours(Role::Manager) < session_hours(Role::Customer));
        assert_eq!(session_hours(Role::Supervisor), session_hours(Role::Department));
    }

    #[test]
    fn each_role_lands_on_its_own_home() {
        assert_eq!(Role::Customer.home(), "/me");
        assert_eq!(Role::LargeContact.home(), "/me");
        assert_eq!(Role::Manager.home(), "/manager");
        assert_eq!(Role::Supervisor.home(), "/supervisor");
        assert_eq!(Role::Department.home(), "/department");
    }
}
