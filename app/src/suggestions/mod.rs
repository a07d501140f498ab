//! Suggestions (建议): from any customer, or from anyone on the public site with a phone to be
//! answered on; answered within 2 working days, and, where an answer concerns many people,
//! published under a title with no personal data.
pub mod api;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
mod store;
