//! Who is signed in, how they identify themselves, and the sign-in rules.
use crate::{
    domain::{AccountNo, Phone},
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
    /// The role as a customer reads it beside a staff member's name.
    pub fn label(self, t: &crate::i18n::Texts) -> &'static str {
        match self {
            Role::Customer => t.role_customer,
            Role::LargeContact => t.role_large_contact,
            Role::Manager => t.role_manager,
            Role::Department => t.role_department,
            Role::Supervisor => t.role_supervisor,
        }
    }

    /// Where a user lands after signing in.
    pub fn home(self) -> &'static str {
        match self {
            Role::Customer | Role::LargeContact => "/me",
            Role::Manager => "/manager",
            Role::Department => "/department",
            Role::Supervisor => "/supervisor",
        }
    }

    /// Who works the repair queue: managers their own customers', supervisors everyone's.
    pub const QUEUE: &'static [Role] = &[Role::Manager, Role::Supervisor];

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

/// A password as typed: the one text that is not cleaned (every character counts, and it is
/// never stored or shown, only hashed), and that never appears in a log.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Password(String);

impl Password {
    pub fn new(typed: impl Into<String>) -> Self {
        Password(typed.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(***)")
    }
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
    /// A known user is counted by their id instead (see [`identity_key`]).
    pub fn key(&self) -> String {
        match self {
            Identifier::Phone(p) => format!("phone:{}", p.as_str()),
            Identifier::Account(a) => format!("account:{}", a.as_str()),
            Identifier::Employee(e) => format!("employee:{}", e.as_str()),
        }
    }
}

/// What sign-in failures are counted against: the user, when the identifier names one (so their
/// phone and their account number share one counter), else the identifier as typed, normalised.
pub fn identity_key(user_id: Option<i64>, identifier: &Identifier) -> String {
    match user_id {
        Some(id) => format!("user:{id}"),
        None => identifier.key(),
    }
}

/// Sign-in failures are counted over this window; older ones are forgotten.
pub const THROTTLE_WINDOW_MINUTES: i64 = 15;
/// Failures for one identity from one client before that client must wait for the window:
/// the guesser is stopped, the rightful owner on their own phone is not.
pub const MAX_FAILURES: i64 = 5;
/// Failures from one client across every identity before that client must wait: one client
/// trying many phone numbers.
pub const MAX_CLIENT_FAILURES: i64 = 20;
/// Failures for one identity from all clients together after which every attempt, the owner's
/// too, waits a growing delay after the latest failure (1 s, 2 s, 4 s ... at most
/// [`MAX_DELAY_SECONDS`]): many clients guessing one password are slowed to a crawl while the
/// owner waits seconds, never a lock-out (OWASP ASVS 2.2.1).
pub const SLOW_DOWN_AFTER: i64 = 10;
pub const MAX_DELAY_SECONDS: i64 = 60;

/// The recent failures that bear on one attempt, counted in PostgreSQL so every server
/// process sees the same numbers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RecentFailures {
    /// This identity's failures from every client, and seconds since the latest of them.
    pub identity: i64,
    pub identity_latest_seconds: i64,
    /// This identity's failures from this client, and seconds since the oldest of them.
    pub identity_from_client: i64,
    pub identity_from_client_oldest_seconds: i64,
    /// This client's failures for any identity, and seconds since the oldest of them.
    pub client: i64,
    pub client_oldest_seconds: i64,
}

/// Whether this attempt may be made now; if not, the seconds to wait.
pub fn throttle(f: &RecentFailures) -> Result<(), u32> {
    let window = THROTTLE_WINDOW_MINUTES * 60;
    let wait = if f.client >= MAX_CLIENT_FAILURES {
        window - f.client_oldest_seconds
    } else if f.identity_from_client >= MAX_FAILURES {
        window - f.identity_from_client_oldest_seconds
    } else if f.identity >= SLOW_DOWN_AFTER {
        let delay = 1i64 << (f.identity - SLOW_DOWN_AFTER).min(6);
        delay.min(MAX_DELAY_SECONDS) - f.identity_latest_seconds
    } else {
        0
    };
    if wait > 0 {
        Err(wait as u32)
    } else {
        Ok(())
    }
}

/// The client an attempt comes from, as counted for throttling: an IPv4 address, or an IPv6
/// address's /64 (one home or phone gets a whole /64, so single addresses mean nothing).
pub fn client_key(ip: Option<std::net::IpAddr>) -> String {
    match ip {
        Some(std::net::IpAddr::V4(v4)) => v4.to_string(),
        Some(std::net::IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
        None => "unknown".to_owned(),
    }
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
    fn a_guessing_client_waits_out_the_window_for_that_identity() {
        assert_eq!(throttle(&RecentFailures::default()), Ok(()));
        let four = RecentFailures { identity: 4, identity_from_client: 4, client: 4, ..Default::default() };
        assert_eq!(throttle(&four), Ok(()));
        let five = RecentFailures {
            identity: 5,
            identity_from_client: 5,
            identity_from_client_oldest_seconds: 180,
            client: 5,
            client_oldest_seconds: 180,
            ..Default::default()
        };
        assert_eq!(throttle(&five), Err(12 * 60));
    }

    #[test]
    fn the_owner_on_another_client_is_not_held_by_a_guesser() {
        // Five failures from the guesser's client; none from the owner's.
        let owner = RecentFailures { identity: 5, identity_latest_seconds: 2, ..Default::default() };
        assert_eq!(throttle(&owner), Ok(()));
    }

    #[test]
    fn many_clients_guessing_one_identity_slow_everyone_by_seconds_not_minutes() {
        let at = |identity, latest| RecentFailures { identity, identity_latest_seconds: latest, ..Default::default() };
        assert_eq!(throttle(&at(SLOW_DOWN_AFTER, 0)), Err(1));
        assert_eq!(throttle(&at(SLOW_DOWN_AFTER, 1)), Ok(()));
        assert_eq!(throttle(&at(SLOW_DOWN_AFTER + 3, 2)), Err(6));
        assert_eq!(throttle(&at(500, 0)), Err(MAX_DELAY_SECONDS as u32));
        assert_eq!(throttle(&at(500, MAX_DELAY_SECONDS)), Ok(()));
    }

    #[test]
    fn one_client_trying_many_identities_is_stopped() {
        let spray = RecentFailures {
            identity: 1,
            identity_from_client: 1,
            client: MAX_CLIENT_FAILURES,
            client_oldest_seconds: 60,
            ..Default::default()
        };
        assert_eq!(throttle(&spray), Err(14 * 60));
    }

    #[test]
    fn clients_are_counted_by_address_or_ipv6_network() {
        assert_eq!(client_key(Some("203.0.113.7".parse().unwrap())), "203.0.113.7");
        assert_eq!(client_key(Some("2001:db8:1:2:aaaa::1".parse().unwrap())), "2001:db8:1:2::/64");
        assert_eq!(client_key(Some("2001:db8:1:2:bbbb::9".parse().unwrap())), "2001:db8:1:2::/64");
        assert_eq!(client_key(Some("::ffff:203.0.113.7".parse().unwrap())), "203.0.113.7");
        assert_eq!(client_key(None), "unknown");
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
