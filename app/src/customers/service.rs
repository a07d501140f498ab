//! The door other features use to read customers: an account by its number, the sites a
//! household or company may report for, a person's phone.
pub use super::store::{by_account, own_sites, user_phone, CustomerRecord, SiteRow};
