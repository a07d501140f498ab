//! The door other features use to tell people something: a notification in the portal, its
//! SMS and email copies queued, once per event and person.
pub use super::store::{notify, queue_deliveries};
