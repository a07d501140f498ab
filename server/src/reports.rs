//! Scorecards as files: `GET /supervisor/scorecards.csv` with the page's own query, for
//! supervisors only (anyone else gets the 404 a missing page gives), in the viewer's language.
use crate::viewer::Viewer;
use app::{
    auth::model::Role,
    db::PgPool,
    error::AppError,
    i18n::locale_of_request,
    reporting::{pages::csv_table, scorecard::csv, service},
};
use axum::{
    extract::{Query, State},
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
    let headers = [
        (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
        (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
        (header::CACHE_CONTROL, "private, no-store".to_owned()),
    ];
    Ok((headers, csv(&header, &lines)).into_response())
}
