//! In-portal notifications: what the portal tells a person without being asked.
pub mod api;
#[cfg(feature = "ssr")]
pub mod delivery;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
mod store;
