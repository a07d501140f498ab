//! The customer groups of the 3+3 model: a customer's group decides the manager tier that
//! serves them, so customers and managers both speak of it.
use crate::{i18n::Texts, text_enum};

text_enum!(
    /// The three customer groups of the 3+3 model, highest first.
    CustomerGroup { Large => "large", Urban => "urban", Township => "township" }
);

impl CustomerGroup {
    pub fn label(self, t: &Texts) -> &'static str {
        match self {
            CustomerGroup::Large => t.group_large,
            CustomerGroup::Urban => t.group_urban,
            CustomerGroup::Township => t.group_township,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_round_trip_through_their_stored_spelling() {
        for group in CustomerGroup::ALL {
            assert_eq!(group.as_str().parse::<CustomerGroup>(), Ok(*group));
        }
        assert!("vip".parse::<CustomerGroup>().is_err());
    }
}
