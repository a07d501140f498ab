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

text_enum!(
    /// What a customer's service needs, hardest first: a large site from `MAJOR_KVA` of
    /// contracted capacity, any other large site, a household marked key (life-support
    /// equipment, a clinic at home), an ordinary household. The class decides the lowest manager
    /// grade that may serve the customer (`managers::model::CLASS_GRADES`).
    ServiceClass { LargeMajor => "large_major", Large => "large", Key => "key", Ordinary => "ordinary" }
);

/// Contracted capacity from which a large site is a major one.
pub const MAJOR_KVA: i32 = 10_000;

/// The class of a customer, from what the archive holds. The database derives the stored
/// `customers.service_class` by the same rule (tested against each other).
pub fn service_class(group: CustomerGroup, key_customer: bool, contracted_kva: Option<i32>) -> ServiceClass {
    match group {
        CustomerGroup::Large if contracted_kva.unwrap_or(0) >= MAJOR_KVA => ServiceClass::LargeMajor,
        CustomerGroup::Large => ServiceClass::Large,
        _ if key_customer => ServiceClass::Key,
        _ => ServiceClass::Ordinary,
    }
}

impl ServiceClass {
    pub fn label(self, t: &Texts) -> &'static str {
        match self {
            ServiceClass::LargeMajor => t.class_large_major,
            ServiceClass::Large => t.class_large,
            ServiceClass::Key => t.class_key,
            ServiceClass::Ordinary => t.class_ordinary,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_customers_class_follows_its_group_capacity_and_key_mark() {
        assert_eq!(service_class(CustomerGroup::Large, false, Some(MAJOR_KVA)), ServiceClass::LargeMajor);
        assert_eq!(service_class(CustomerGroup::Large, true, Some(MAJOR_KVA - 1)), ServiceClass::Large);
        assert_eq!(service_class(CustomerGroup::Large, false, None), ServiceClass::Large);
        assert_eq!(service_class(CustomerGroup::Urban, true, None), ServiceClass::Key);
        assert_eq!(service_class(CustomerGroup::Township, false, None), ServiceClass::Ordinary);
    }

    #[test]
    fn groups_round_trip_through_their_stored_spelling() {
        for group in CustomerGroup::ALL {
            assert_eq!(group.as_str().parse::<CustomerGroup>(), Ok(*group));
        }
        assert!("vip".parse::<CustomerGroup>().is_err());
    }
}
