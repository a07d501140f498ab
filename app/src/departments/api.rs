use super::model::SupportTeam;
use crate::{error::AppError, i18n::Localized};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DepartmentInfo {
    pub name: Localized,
    pub team: SupportTeam,
}

#[server(endpoint = "my_department")]
pub async fn my_department() -> Result<DepartmentInfo, AppError> {
    use crate::auth::{model::Role, session::require_role};
    let user = require_role(&[Role::Department]).await?;
    let (name, team) =
        super::store::department_of(&crate::db::pool()?, user.user_id).await?.ok_or(AppError::NotFound)?;
    Ok(DepartmentInfo { name, team })
}
