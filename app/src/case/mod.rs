//! The case core: what every kind of case shares (its number, timeline, thread with internal
//! notes, attachments, deadline alerts, live changes and notification subject). Fault tickets
//! are the first kind; each kind keeps its own lifecycle, commitments and pages and reaches
//! the shared tables only through `service`.
#[cfg(feature = "ssr")]
pub mod attachments;
pub mod model;
pub mod pages;
pub mod picker;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
mod store;
#[cfg(feature = "ssr")]
pub mod sweep;
#[cfg(feature = "ssr")]
pub mod upload;

#[cfg(feature = "ssr")]
pub use store::{parse_change, CHANGES_CHANNEL};
