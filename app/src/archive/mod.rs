//! The customer archive (客户档案, seed 002 article 5): staff see customers' personal data masked;
//! showing it takes a reason and is recorded (借阅登记), supervisors read the register and its
//! alerts, and customers see who read their data.
pub mod api;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
mod store;
