//! Grids (网格): the areas and companies each team of managers serves, the managers' load,
//! balancing, hand-overs and covers, and trainees' mentors.
pub mod api;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
mod store;
