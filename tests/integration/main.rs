//! Integration tests: the real router, a real PostgreSQL (a fresh database per test, made by
//! `sqlx::test` from DATABASE_URL), the demo county, and server functions called directly.
mod support;

mod access;
mod applications;
mod archive;
mod assignments;
mod calendar;
mod complaints;
mod constraints;
mod forms;
mod grids;
mod hostile_input;
mod live;
mod markup;
mod migration;
mod operations;
mod outages;
mod photos;
mod rendering;
mod satisfaction;
mod scorecards;
mod service_record;
mod sign_in;
mod suggestions;
mod sweep;
mod tickets;
mod work_orders;
