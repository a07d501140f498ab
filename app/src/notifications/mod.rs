//! In-portal notifications: what the portal tells a person without being asked.
pub mod api;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod store;
