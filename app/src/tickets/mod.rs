//! Fault reports and repair tracking: the heart of the portal.
#[cfg(feature = "ssr")]
pub mod access;
pub mod api;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod photos;
#[cfg(feature = "ssr")]
pub mod store;
#[cfg(feature = "ssr")]
pub mod sweep;
