//! Lists as files: `GET /supervisor/scorecards.csv` with the page's own query and
//! `GET /supervisor/grids/{id}/customers.csv`, for supervisors only (anyone else gets the 404
//! a missing page gives), in the viewer's language. Personal data in them is masked and every
//! download is recorded in the archive's register, as an opening is.
use crate::viewer::Viewer;
use app::{
    archive::{model::ExportList, service as archive},
    auth::model::Role,
    db::PgPool,
    error::AppError,
    grids::service as grids,
    i18n::locale_of_request,
    reporting::{pages::csv_table, scorecard::csv, service},
};
use axum::{
    extract::{Path, Query, State},
    http::{header, HeaderMap},
    response::{IntoResponse, Response},
};

pub async fn scorecards_csv(
    State(pool): State<PgPool>,
    Viewer(user): Viewer,
    headers: HeaderMap,
    Query(asked): Query<service::ScorecardRequest>,
) -> Result<Response, AppError> {
    if user.role != Role::Supervisor {
        return Err(AppError::NotFound);
    }
    let chosen = service::requested(&pool, &asked, chrono::Utc::now()).await?;
    let t = locale_of_request(&headers).texts();
    let (header, lines) = csv_table(&chosen.rows, t);
    let name = format!("scorecards-{}-{}.csv", chosen.tier.as_str(), chosen.period.name().replace(' ', "-"));
    let scope = format!("{} {}", chosen.tier.label(t), chosen.period.name());
    archive::record_export(&pool, &user, ExportList::Scorecards, &scope, 0).await?;
    Ok(file(&name, csv(&header, &lines)))
}

pub async fn grid_customers_csv(
    State(pool): State<PgPool>,
    Viewer(user): Viewer,
    headers: HeaderMap,
    Path(grid): Path<String>,
) -> Result<Response, AppError> {
    if user.role != Role::Supervisor {
        return Err(AppError::NotFound);
    }
    let grid: i64 = grid.parse().map_err(|_| AppError::NotFound)?;
    let locale = locale_of_request(&headers);
    let (scope, header, lines) =
        grids::customer_list(&pool, grid, locale.texts(), locale).await?.ok_or(AppError::NotFound)?;
    archive::record_export(&pool, &user, ExportList::GridCustomers, &scope, lines.len()).await?;
    Ok(file(&format!("grid-{grid}-customers.csv"), csv(&header, &lines)))
}

fn file(name: &str, body: String) -> Response {
    let headers = [
        (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
        (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
        (header::CACHE_CONTROL, "private, no-store".to_owned()),
    ];
    (headers, body).into_response()
}
