//! The values that identify a customer, parsed once at the edge: by sign-in (a customer signs
//! in with either), by the report form and by staff looking a customer up.
use crate::error::Problem;
use serde::{Deserialize, Serialize};

/// A mainland mobile number: 11 digits starting 13–19. Spaces and dashes people type are dropped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Phone(String);

impl Phone {
    pub fn parse(input: &str) -> Result<Self, Problem> {
        let digits: String = input.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
        let digits = digits.strip_prefix("+86").unwrap_or(&digits);
        let bytes = digits.as_bytes();
        let valid = bytes.len() == 11
            && bytes[0] == b'1'
            && (b'3'..=b'9').contains(&bytes[1])
            && bytes.iter().all(u8::is_ascii_digit);
        if digits.is_empty() {
            Err(Problem::Required)
        } else if valid {
            Ok(Phone(digits.to_owned()))
        } else {
            Err(Problem::BadPhone)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The 10-digit account number (户号) printed on every bill.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountNo(String);

impl AccountNo {
    pub fn parse(input: &str) -> Result<Self, Problem> {
        let digits: String = input.chars().filter(|c| !c.is_whitespace()).collect();
        if digits.is_empty() {
            Err(Problem::Required)
        } else if digits.len() == 10 && digits.bytes().all(|b| b.is_ascii_digit()) {
            Ok(AccountNo(digits))
        } else {
            Err(Problem::BadAccountNo)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Shows a phone number as 138****1234: enough to recognise, not enough to misuse
/// from a screen glanced at over a manager's shoulder.
pub fn mask_phone(phone: &str) -> String {
    let chars: Vec<char> = phone.chars().collect();
    if chars.len() < 7 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..3].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 7))
}

/// Shows an address with its numbers starred: "幸福路**号*单元***" keeps the street (enough
/// to place a case on a round) and hides the door, which only a recorded reading shows.
pub fn mask_address(address: &str) -> String {
    address.chars().map(|c| if c.is_ascii_digit() || c.is_numeric() { '*' } else { c }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_keeps_its_street_and_loses_its_numbers() {
        assert_eq!(mask_address("幸福路12号3单元401"), "幸福路**号*单元***");
        assert_eq!(mask_address("12 Riverside Road"), "** Riverside Road");
        assert_eq!(mask_address("青峰村"), "青峰村");
    }

    #[test]
    fn phone_is_masked_in_the_middle() {
        assert_eq!(mask_phone("13812341234"), "138****1234");
        assert_eq!(mask_phone("95598"), "*****");
    }

    #[test]
    fn phone_accepts_what_people_type() {
        assert_eq!(Phone::parse("138 0013 8000").unwrap().as_str(), "13800138000");
        assert_eq!(Phone::parse("+86-138-0013-8000").unwrap().as_str(), "13800138000");
        assert_eq!(Phone::parse("12800138000"), Err(Problem::BadPhone));
        assert_eq!(Phone::parse("1380013800"), Err(Problem::BadPhone));
        assert_eq!(Phone::parse("1380013800x"), Err(Problem::BadPhone));
        assert_eq!(Phone::parse("  "), Err(Problem::Required));
    }

    #[test]
    fn account_number_is_ten_digits() {
        assert_eq!(AccountNo::parse(" 3100000001 ").unwrap().as_str(), "3100000001");
        assert_eq!(AccountNo::parse("310000000"), Err(Problem::BadAccountNo));
        assert_eq!(AccountNo::parse("31000000012"), Err(Problem::BadAccountNo));
        assert_eq!(AccountNo::parse(""), Err(Problem::Required));
    }
}
