//! Fault reports and repair tracking: the first kind of case, and the heart of the portal.
#[cfg(feature = "ssr")]
pub mod access;
pub mod api;
#[cfg(feature = "ssr")]
mod kept;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
mod store;
#[cfg(feature = "ssr")]
pub mod sweep;
