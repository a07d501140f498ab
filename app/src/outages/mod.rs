//! Outages: planned, temporary and fault; who is told, the public look-up, storms and
//! large customers' consultations.
pub mod api;
pub mod consultations;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
mod store;
#[cfg(feature = "ssr")]
pub mod sweep;
