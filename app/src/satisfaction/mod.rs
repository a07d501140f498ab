//! The satisfaction cycle (seed 002: assess, act, improve): customers' ratings by dimension
//! per tier and per area for a period, the weakest dimension flagged, and improvement actions
//! recorded against it (what, who, by when, done) with the next period's figure beside each,
//! so the cycle's effect shows. Figures come from the `satisfaction_facts` view; the actions
//! are the feature's own.
pub mod api;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
mod store;
