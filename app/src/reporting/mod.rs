//! Reporting: the manager's service record customers see, and the supervisors' scorecards,
//! chart and evaluations. Figures are read from views over the features' tables
//! (`ticket_service_facts`, `complaint_outcomes`, `complaint_facts`, `case_load_facts`,
//! `follow_up_facts`), never from those tables; evaluations are reporting's own.
pub mod api;
pub mod model;
pub mod pages;
pub mod scorecard;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
mod store;
