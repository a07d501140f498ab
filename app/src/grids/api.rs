//! Supervisors' grids: loads per manager, the grids' shape, balancing, hand-overs, covers and
//! trainees' mentors. Every function is the supervisors' alone.
use crate::{
    domain::Text,
    error::AppError,
    i18n::Localized,
    managers::model::{Grade, Tier},
};
use chrono::{DateTime, NaiveDate, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ManagerLoad {
    pub employee_no: String,
    pub name: String,
    pub grade: Grade,
    pub mentor: Option<String>,
    pub urban: i64,
    pub township: i64,
    pub large: i64,
    pub kva: i64,
    pub open_cases: i64,
    pub recent_cases: i64,
    pub rating: Option<f64>,
}

impl ManagerLoad {
    pub fn customers(&self) -> i64 {
        self.urban + self.township + self.large
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlaceView {
    /// The form value (`community:YBS-N`, `member:12`).
    pub key: String,
    pub name: Localized,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GridView {
    pub id: i64,
    pub name: String,
    pub places: Vec<PlaceView>,
    pub managers: Vec<ManagerLoad>,
    /// The largest customer count over the mean among the grid's managers.
    pub imbalance: Option<f64>,
    /// The same for contracted capacity (member tier).
    pub imbalance_kva: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TierView {
    pub tier: Tier,
    pub imbalance: Option<f64>,
    pub imbalance_kva: Option<f64>,
    pub grids: Vec<GridView>,
    /// Areas or companies no grid covers yet.
    pub uncovered: Vec<PlaceView>,
    /// Managers of the tier in no grid.
    pub outside: Vec<ManagerLoad>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoverView {
    pub employee_no: String,
    pub name: String,
    pub returns_on: NaiveDate,
    pub customers: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GridEvent {
    pub grid: String,
    pub kind: String,
    pub detail: Option<String>,
    pub by: String,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GridsBoard {
    pub tiers: Vec<TierView>,
    pub covers: Vec<CoverView>,
    pub events: Vec<GridEvent>,
    pub today: NaiveDate,
    pub submission_key: String,
}

/// `/supervisor/grids`: every tier's grids with their managers' loads and how uneven they are.
#[server(endpoint = "grids_overview")]
pub async fn grids_overview() -> Result<GridsBoard, AppError> {
    use crate::auth::{model::Role, session::require_role};
    require_role(&[Role::Supervisor]).await?;
    super::service::overview(&crate::db::pool()?).await
}

#[cfg(feature = "ssr")]
fn supervisor_name(name: &str) -> Result<String, AppError> {
    crate::domain::text::parse_text(name, super::model::NAME_MAX, true).map_err(|p| AppError::field("name", p))
}

#[cfg(feature = "ssr")]
fn grid_id(field: &str, value: &str) -> Result<i64, AppError> {
    use crate::error::Problem;
    match value.trim() {
        "" => Err(AppError::field(field, Problem::NotChosen)),
        v => v.parse().map_err(|_| AppError::field(field, Problem::NotChosen)),
    }
}

#[server(endpoint = "create_grid")]
pub async fn create_grid(tier: Text, name: Text) -> Result<(), AppError> {
    use crate::{
        auth::{model::Role, session::require_role},
        error::Problem,
    };
    let user = require_role(&[Role::Supervisor]).await?;
    let tier: Tier = tier.trim().parse().map_err(|_| AppError::field("tier", Problem::NotChosen))?;
    let name = supervisor_name(&name)?;
    super::service::create(&crate::db::pool()?, tier, &name, user.user_id).await
}

#[server(endpoint = "rename_grid")]
pub async fn rename_grid(grid: Text, name: Text) -> Result<(), AppError> {
    use crate::auth::{model::Role, session::require_role};
    let user = require_role(&[Role::Supervisor]).await?;
    let grid = grid_id("grid", &grid).map_err(|_| AppError::NotFound)?;
    let name = supervisor_name(&name)?;
    super::service::rename(&crate::db::pool()?, grid, &name, user.user_id).await
}

#[server(endpoint = "merge_grid")]
pub async fn merge_grid(grid: Text, into: Text) -> Result<(), AppError> {
    use crate::auth::{model::Role, session::require_role};
    let user = require_role(&[Role::Supervisor]).await?;
    let grid = grid_id("grid", &grid).map_err(|_| AppError::NotFound)?;
    let into = grid_id("into", &into)?;
    super::service::merge(&crate::db::pool()?, grid, into, user.user_id).await
}

#[cfg(feature = "ssr")]
fn place_keys(values: &[Text]) -> Result<Vec<super::service::PlaceKey>, AppError> {
    use crate::error::Problem;
    values
        .iter()
        .map(|v| {
            super::service::PlaceKey::parse(v.trim()).ok_or_else(|| AppError::field("places", Problem::UnknownArea))
        })
        .collect()
}

/// Splits a new grid off one, taking the areas or companies chosen.
#[server(endpoint = "split_grid")]
pub async fn split_grid(grid: Text, name: Text, #[server(default)] places: Vec<Text>) -> Result<(), AppError> {
    use crate::auth::{model::Role, session::require_role};
    let user = require_role(&[Role::Supervisor]).await?;
    let grid = grid_id("grid", &grid).map_err(|_| AppError::NotFound)?;
    let name = supervisor_name(&name)?;
    let places = place_keys(&places)?;
    super::service::split(&crate::db::pool()?, grid, &name, &places, user.user_id).await
}

/// Moves an area (or a company) into a grid of its tier.
#[server(endpoint = "move_place")]
pub async fn move_place(place: Text, grid: Text) -> Result<(), AppError> {
    use crate::auth::{model::Role, session::require_role};
    let user = require_role(&[Role::Supervisor]).await?;
    let place = place_keys(std::slice::from_ref(&place))?.remove(0);
    let grid = grid_id("grid", &grid)?;
    super::service::move_place(&crate::db::pool()?, &place, grid, user.user_id).await
}

/// Names the grid a manager serves; an empty choice takes them out of every grid.
#[server(endpoint = "place_manager")]
pub async fn place_manager(employee_no: Text, grid: Text) -> Result<(), AppError> {
    use crate::auth::{model::Role, session::require_role};
    let user = require_role(&[Role::Supervisor]).await?;
    let grid = (!grid.trim().is_empty()).then(|| grid_id("grid", &grid)).transpose()?;
    super::service::place_manager(&crate::db::pool()?, employee_no.trim(), grid, user.user_id).await
}

/// Names a trainee's mentor; an empty choice lets the mentor go.
#[server(endpoint = "set_mentor")]
pub async fn set_mentor(employee_no: Text, mentor: Text) -> Result<(), AppError> {
    use crate::auth::{model::Role, session::require_role};
    require_role(&[Role::Supervisor]).await?;
    let mentor = Some(mentor.trim()).filter(|m| !m.is_empty());
    super::service::set_mentor(&crate::db::pool()?, employee_no.trim(), mentor).await
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineView {
    /// What the form sends to keep the line.
    pub key: String,
    /// The customers it moves: a household, or every site of a company.
    pub customers: Vec<(String, String)>,
    pub from: String,
    pub to: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BalanceView {
    pub grid_id: i64,
    pub grid: String,
    pub tier: Tier,
    pub lines: Vec<LineView>,
    /// Customers no manager of the grid may serve (their class needs a higher grade).
    pub unplaced: Vec<String>,
    /// Each manager's customers and capacity now and after every line.
    pub loads: Vec<(String, super::model::Load, super::model::Load)>,
    pub imbalance_before: Option<f64>,
    pub imbalance_after: Option<f64>,
    pub submission_key: String,
}

/// The balancing proposal for a grid, to review before applying.
#[server(endpoint = "balance_proposal")]
pub async fn balance_proposal(grid: Text) -> Result<BalanceView, AppError> {
    use crate::auth::{model::Role, session::require_role};
    require_role(&[Role::Supervisor]).await?;
    let grid = grid_id("grid", &grid).map_err(|_| AppError::NotFound)?;
    super::service::balance_view(&crate::db::pool()?, grid).await
}

/// Applies the lines kept (unchecked lines are dropped) in one step.
#[server(endpoint = "apply_balance")]
pub async fn apply_balance(
    grid: Text,
    #[server(default)] lines: Vec<Text>,
    submission_key: Text,
) -> Result<(), AppError> {
    use crate::auth::{model::Role, session::require_role};
    let user = require_role(&[Role::Supervisor]).await?;
    let grid = grid_id("grid", &grid).map_err(|_| AppError::NotFound)?;
    let key = crate::domain::text::parse_key(Some(&submission_key))?.ok_or(AppError::BadRequest)?;
    let lines: Vec<String> = lines.into_iter().map(String::from).collect();
    let pool = crate::db::pool()?;
    super::service::apply(&pool, grid, &lines, user.user_id, key).await?;
    leptos_axum::redirect(&format!("/supervisor/grids/balance?grid={grid}&applied=1"));
    Ok(())
}

/// Hands every customer of a manager to the managers chosen; with a last day, as a cover that
/// hands them back after it.
#[server(endpoint = "hand_over")]
pub async fn hand_over(
    employee_no: Text,
    #[server(default)] to: Vec<Text>,
    returns_on: Option<Text>,
    submission_key: Text,
) -> Result<(), AppError> {
    use crate::{
        auth::{model::Role, session::require_role},
        error::Problem,
    };
    let user = require_role(&[Role::Supervisor]).await?;
    let key = crate::domain::text::parse_key(Some(&submission_key))?.ok_or(AppError::BadRequest)?;
    let returns_on = match returns_on.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        None => None,
        Some(d) => {
            let day = NaiveDate::parse_from_str(d, "%Y-%m-%d")
                .map_err(|_| AppError::field("returns_on", Problem::BadDate))?;
            if day < crate::time::local_date(Utc::now()) {
                return Err(AppError::field("returns_on", Problem::InThePast));
            }
            Some(day)
        }
    };
    let to: Vec<String> = to.into_iter().map(|t| t.trim().to_owned()).filter(|t| !t.is_empty()).collect();
    let pool = crate::db::pool()?;
    super::service::hand_over(&pool, employee_no.trim(), &to, returns_on, user.user_id, key).await.map(|_| ())
}
