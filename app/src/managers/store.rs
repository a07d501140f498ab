//! A manager's own customers, searched and paged in the database.
use crate::{db::PgPool, domain::CustomerGroup, error::AppResult, i18n::Localized};

pub struct CustomerRow {
    pub account_no: String,
    pub name: String,
    pub phone: String,
    pub address: String,
    pub group: CustomerGroup,
    pub area: Localized,
}

/// `pattern` is a LIKE pattern matched against name, account number, address and phone.
pub async fn assigned_customers(
    pool: &PgPool,
    manager_user_id: i64,
    pattern: Option<&str>,
    limit: i64,
    offset: i64,
) -> AppResult<(i64, Vec<CustomerRow>)> {
    let total = sqlx::query_scalar!(
        r#"select count(*) as "count!"
           from customers c
           join manager_assignments ma on ma.customer_id = c.id and ma.ended_at is null
           join managers m on m.id = ma.manager_id
           where m.user_id = $1
             and ($2::text is null or c.name ilike $2 or c.account_no like $2
                  or c.address ilike $2 or c.phone like $2)"#,
        manager_user_id,
        pattern
    )
    .fetch_one(pool)
    .await?;
    let rows = sqlx::query!(
        r#"select c.account_no, c.name, c.phone, c.address, c.customer_group, a.name_zh, a.name_en
           from customers c
           join manager_assignments ma on ma.customer_id = c.id and ma.ended_at is null
           join managers m on m.id = ma.manager_id
           join service_areas a on a.id = c.area_id
           where m.user_id = $1
             and ($2::text is null or c.name ilike $2 or c.account_no like $2
                  or c.address ilike $2 or c.phone like $2)
           order by c.account_no
           limit $3 offset $4"#,
        manager_user_id,
        pattern,
        limit,
        offset
    )
    .fetch_all(pool)
    .await?;
    let rows = rows
        .into_iter()
        .map(|r| {
            Ok(CustomerRow {
                account_no: r.account_no,
                name: r.name,
                phone: r.phone,
                address: r.address,
                group: r.customer_group.parse()?,
                area: Localized { zh: r.name_zh, en: r.name_en },
            })
        })
        .collect::<AppResult<_>>()?;
    Ok((total, rows))
}

/// The name and employee number of the signed-in manager's mentor, when they are a trainee.
pub async fn mentor_of(pool: &PgPool, user_id: i64) -> AppResult<Option<String>> {
    Ok(sqlx::query_scalar!(
        r#"select mu.display_name || ' ' || mu.employee_no as "mentor!"
           from managers m join managers mm on mm.id = m.mentor_id join users mu on mu.id = mm.user_id
           where m.user_id = $1"#,
        user_id
    )
    .fetch_optional(pool)
    .await?)
}
