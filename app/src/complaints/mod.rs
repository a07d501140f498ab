//! Complaints (投诉): a case kind on the case core that goes past the customer's manager to
//! their supervisor. The published limits run in hours and working days, the handler records
//! the contact, the finding and the reply, and the customer rates the handling once and may
//! ask once for a review by a different supervisor.
pub mod api;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
mod store;
