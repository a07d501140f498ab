//! Service applications (new connections, capacity changes, a change of name, a meter moved, a
//! tariff changed): a case kind on the case core. The customer is told everything needed at
//! once, the manager reviews once, and the steps after acceptance run on a clock in working
//! days that stops while the customer has the next move.
pub mod api;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
mod store;
