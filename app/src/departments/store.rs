use super::model::SupportTeam;
use crate::{db::PgPool, error::AppResult, i18n::Localized};

pub async fn department_of(pool: &PgPool, user_id: i64) -> AppResult<Option<(Localized, SupportTeam)>> {
    let row = sqlx::query!(
        "select d.name_zh, d.name_en, d.support_team
         from users u join departments d on d.id = u.department_id where u.id = $1",
        user_id
    )
    .fetch_optional(pool)
    .await?;
    row.map(|r| Ok((Localized { zh: r.name_zh, en: r.name_en }, r.support_team.parse()?))).transpose()
}
