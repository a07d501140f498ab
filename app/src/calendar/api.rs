//! The calendar's server functions: supervisors keep the year's public holidays and make-up
//! working days (the State Council publishes them each winter).
use crate::{domain::Text, error::AppError, i18n::Localized};
use chrono::NaiveDate;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarDay {
    pub day: NaiveDate,
    pub working: bool,
    pub name: Localized,
}

/// One year's exceptions, and the years a supervisor may keep (last year to the year after next).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct YearExceptions {
    pub year: i32,
    pub years: Vec<i32>,
    pub days: Vec<CalendarDay>,
}

#[server(endpoint = "calendar_year")]
pub async fn calendar_year(year: Option<Text>) -> Result<YearExceptions, AppError> {
    use crate::auth::{model::Role, session::require_role};
    use chrono::Datelike;
    require_role(&[Role::Supervisor]).await?;
    let this_year = super::local_date(chrono::Utc::now()).year();
    let years: Vec<i32> = (this_year - 1..=this_year + 2).collect();
    // A year that is not offered shows this one, as a cut-short link would.
    let year = year.and_then(|y| y.trim().parse().ok()).filter(|y| years.contains(y)).unwrap_or(this_year);
    let days = super::store::year(&crate::db::pool()?, year)
        .await?
        .into_iter()
        .map(|r| CalendarDay { day: r.day, working: r.working, name: Localized { zh: r.name_zh, en: r.name_en } })
        .collect();
    Ok(YearExceptions { year, years, days })
}

/// Sets (or changes) one day: `working` is `holiday` (a weekday off) or `workday` (a weekend
/// day worked in exchange), with its name in both languages. Due dates already given keep
/// their date; those computed from now on count the changed calendar.
#[server(endpoint = "set_calendar_day")]
pub async fn set_calendar_day(day: Text, working: Option<Text>, name_zh: Text, name_en: Text) -> Result<(), AppError> {
    use super::{check_exception, parse_day, store::DayRow, NAME_MAX};
    use crate::{
        auth::{model::Role, session::require_role},
        domain::text::parse_text,
        error::{FieldError, Problem},
    };
    require_role(&[Role::Supervisor]).await?;
    let working = match working.as_deref() {
        Some("holiday") => Ok(false),
        Some("workday") => Ok(true),
        _ => Err(FieldError::new("working", Problem::NotChosen)),
    };
    let day = parse_day(&day)
        .and_then(|d| working.as_ref().map_or(Ok(d), |w| check_exception(d, *w).map(|_| d)))
        .map_err(|p| FieldError::new("day", p));
    let name_zh = parse_text(&name_zh, NAME_MAX, true).map_err(|p| FieldError::new("name_zh", p));
    let name_en = parse_text(&name_en, NAME_MAX, true).map_err(|p| FieldError::new("name_en", p));
    match (day, working, name_zh, name_en) {
        (Ok(day), Ok(working), Ok(name_zh), Ok(name_en)) => {
            super::store::set(&crate::db::pool()?, &DayRow { day, working, name_zh, name_en }).await
        }
        (day, working, zh, en) => {
            Err(AppError::Invalid([day.err(), working.err(), zh.err(), en.err()].into_iter().flatten().collect()))
        }
    }
}

/// The day follows the Monday-to-Friday rule again.
#[server(endpoint = "remove_calendar_day")]
pub async fn remove_calendar_day(day: Text) -> Result<(), AppError> {
    use crate::auth::{model::Role, session::require_role};
    require_role(&[Role::Supervisor]).await?;
    let day = super::parse_day(&day).map_err(|_| AppError::NotFound)?;
    match super::store::remove(&crate::db::pool()?, day).await? {
        true => Ok(()),
        false => Err(AppError::NotFound),
    }
}
