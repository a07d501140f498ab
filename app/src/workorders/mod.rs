//! Work orders, the "N" of 1+N: work a manager hands to a back-office department, a case
//! kind on the case core, usually part of a customer's case.
pub mod api;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
mod store;
