//! Back-office departments (the "N" of 1+N): the staff member's own department.
pub mod api;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod store;
