//! Customers: their groups, who may see them, and how their phone numbers are shown.
/// The values that identify a customer live in `domain` (sign-in parses them too); named here
/// as well, where the features that take them from a customer's record look for them.
pub use crate::domain::{mask_phone, AccountNo, CustomerGroup, Phone};

/// Which customers a signed-in user may see: the one rule behind every customer query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CustomerScope {
    /// A household sees the account it signs in for.
    Household { user_id: i64 },
    /// A large-customer contact sees every site of their company.
    Company { company_id: i64 },
    /// A manager sees the customers currently assigned to them.
    Manager { user_id: i64 },
    /// A supervisor sees everyone.
    Everyone,
}

pub fn customer_scope(user: &crate::auth::model::SessionUser) -> Option<CustomerScope> {
    use crate::auth::model::Role;
    match user.role {
        Role::Customer => Some(CustomerScope::Household { user_id: user.user_id }),
        Role::LargeContact => user.company_id.map(|company_id| CustomerScope::Company { company_id }),
        Role::Manager => Some(CustomerScope::Manager { user_id: user.user_id }),
        Role::Supervisor => Some(CustomerScope::Everyone),
        Role::Department => None,
    }
}

/// Who a customer record belongs to, as far as visibility goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Ownership {
    pub household_user_id: Option<i64>,
    pub company_id: Option<i64>,
    pub manager_user_id: i64,
}

pub fn in_scope(scope: CustomerScope, owner: Ownership) -> bool {
    match scope {
        CustomerScope::Household { user_id } => owner.household_user_id == Some(user_id),
        CustomerScope::Company { company_id } => owner.company_id == Some(company_id),
        CustomerScope::Manager { user_id } => owner.manager_user_id == user_id,
        CustomerScope::Everyone => true,
    }
}

#[cfg(test)]
mod scope_tests {
    use super::*;
    use crate::auth::model::{Role, SessionUser};

    fn user(role: Role, user_id: i64, company_id: Option<i64>) -> SessionUser {
        SessionUser { user_id, role, display_name: String::new(), company_id }
    }

    const HOUSEHOLD_7: Ownership = Ownership { household_user_id: Some(7), company_id: None, manager_user_id: 50 };
    const SITE_OF_3: Ownership = Ownership { household_user_id: None, company_id: Some(3), manager_user_id: 51 };

    #[test]
    fn a_household_sees_only_its_own_account() {
        let scope = customer_scope(&user(Role::Customer, 7, None)).unwrap();
        assert!(in_scope(scope, HOUSEHOLD_7));
        let other = customer_scope(&user(Role::Customer, 8, None)).unwrap();
        assert!(!in_scope(other, HOUSEHOLD_7));
        assert!(!in_scope(other, SITE_OF_3));
    }

    #[test]
    fn a_contact_sees_every_site_of_their_company_only() {
        let scope = customer_scope(&user(Role::LargeContact, 9, Some(3))).unwrap();
        assert!(in_scope(scope, SITE_OF_3));
        assert!(!in_scope(scope, HOUSEHOLD_7));
        assert!(!in_scope(customer_scope(&user(Role::LargeContact, 9, Some(4))).unwrap(), SITE_OF_3));
    }

    #[test]
    fn a_manager_sees_only_assigned_customers_and_a_supervisor_all() {
        let manager = customer_scope(&user(Role::Manager, 50, None)).unwrap();
        assert!(in_scope(manager, HOUSEHOLD_7));
        assert!(!in_scope(manager, SITE_OF_3));
        let supervisor = customer_scope(&user(Role::Supervisor, 1, None)).unwrap();
        assert!(in_scope(supervisor, HOUSEHOLD_7) && in_scope(supervisor, SITE_OF_3));
    }

    #[test]
    fn department_staff_see_no_customer_directly() {
        assert_eq!(customer_scope(&user(Role::Department, 60, None)), None);
    }
}
