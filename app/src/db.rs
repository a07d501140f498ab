//! The database pool, as server functions reach it.
use crate::error::AppError;
pub use sqlx::PgPool;

pub fn pool() -> Result<PgPool, AppError> {
    leptos::prelude::use_context::<PgPool>().ok_or_else(|| AppError::internal("no database pool in context"))
}
