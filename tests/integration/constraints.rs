//! Every length or format the database enforces has the same rule in the code, so a person gets
//! a message next to the field instead of a 500 from a CHECK constraint. The constraints are
//! read from PostgreSQL's catalogue: a new CHECK without a matching rule here fails this test.
use app::{
    case::model as case, customers::model::Phone, notifications::model, outages::model as outages,
    tickets::model as tickets,
};

/// (table, column) and the code's limit in characters (bytes for `octet_length`), or `None`
/// for a column only the portal itself writes (never typed by anyone).
fn length_rules() -> Vec<((&'static str, &'static str), Option<usize>)> {
    vec![
        (("tickets", "description"), Some(tickets::DESCRIPTION_MAX)),
        (("tickets", "address"), Some(tickets::ADDRESS_MAX)),
        (("tickets", "crew_name"), Some(tickets::CREW_NAME_MAX)),
        (("case_events", "body"), Some(case::MESSAGE_MAX)),
        (("ratings", "comment"), Some(tickets::COMMENT_MAX)),
        (("follow_ups", "note"), Some(case::MESSAGE_MAX)),
        (("case_attachments", "bytes"), Some(case::PHOTO_MAX_BYTES)),
        (("outages", "reason"), Some(outages::REASON_MAX)),
        (("outages", "public_note"), Some(outages::NOTE_MAX)),
        (("outages", "late_notice_reason"), Some(outages::LATE_NOTICE_REASON_MAX)),
        (("consultation_messages", "body"), Some(outages::NOTE_MAX)),
        (("contact_preferences", "email"), Some(model::EMAIL_MAX)),
        // Street and village names come with the county's data, not from a form.
        (("area_places", "name"), None),
    ]
}

/// Every `char_length(column)`/`octet_length(column)` bound in a CHECK, with its upper limit.
async fn stored_lengths(pool: &sqlx::PgPool) -> Vec<((String, String), usize)> {
    let checks: Vec<(String, String)> = sqlx::query_as(
        "select conrelid::regclass::text, pg_get_constraintdef(oid) from pg_constraint
         where contype = 'c' and connamespace = 'public'::regnamespace",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    let mut found = Vec::new();
    for (table, definition) in checks {
        for function in ["char_length(", "octet_length("] {
            for rest in definition.split(function).skip(1) {
                // "column) <= 500": PostgreSQL writes BETWEEN as ">= 1 AND <= 200".
                let (column, bound) = rest.split_once(')').unwrap();
                let bound = bound.trim_start();
                let max: usize = if let Some(n) = bound.strip_prefix("<=") {
                    n.trim_start().split(|c: char| !c.is_ascii_digit()).next().unwrap().parse().unwrap()
                } else if let Some(n) = bound.strip_prefix('<') {
                    n.trim_start().split(|c: char| !c.is_ascii_digit()).next().unwrap().parse::<usize>().unwrap() - 1
                } else {
                    continue;
                };
                found.push(((table.clone(), column.to_owned()), max));
            }
        }
    }
    found.sort();
    found.dedup();
    found
}

#[sqlx::test(migrations = "../migrations")]
async fn every_stored_length_limit_has_the_same_rule_in_the_code(pool: sqlx::PgPool) {
    let stored = stored_lengths(&pool).await;
    assert!(stored.len() >= 12, "read {stored:?}");
    let rules = length_rules();
    for ((table, column), max) in &stored {
        let rule = rules
            .iter()
            .find(|((t, c), _)| t == table && c == column)
            .unwrap_or_else(|| panic!("{table}.{column} is limited to {max} in the database but has no rule here"));
        if let Some(code) = rule.1 {
            assert_eq!(code, *max, "{table}.{column}: the code allows {code}, the database {max}");
        }
    }
    for ((table, column), _) in &rules {
        assert!(
            stored.iter().any(|((t, c), _)| t == table && c == column),
            "{table}.{column} has a rule here but no CHECK in the database"
        );
    }
}

/// A parser from the code, giving the value it would store.
type Parser = fn(&str) -> Option<String>;

/// Every format CHECK (a regular expression) accepts whatever the code's parser accepts, tried
/// on the inputs people type, so the parser can never pass what the database refuses.
#[sqlx::test(migrations = "../migrations")]
async fn every_stored_format_accepts_what_the_parsers_accept(pool: sqlx::PgPool) {
    let formats: Vec<(String, String)> = sqlx::query_as(
        "select conrelid::regclass::text, pg_get_constraintdef(oid) from pg_constraint
         where contype = 'c' and connamespace = 'public'::regnamespace and pg_get_constraintdef(oid) like '%~%'",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let typed = [
        "13800000001",
        "138 0000 0001",
        "138-0000-0001",
        "+8613800000001",
        "19912345678",
        "12800000001",
        "1380000000",
        "3100000001",
        "31000000012",
        "a@b.cn",
        "li.lei@example.com",
        "a@b",
        "a b@c.cn",
        "m1001",
        "M1001",
        "ABCD2345",
        "abcd2345",
        "ABCD-2345",
        "１３８００００００１",
        "\u{0}13800000001",
    ];
    let phone: Parser = |s| Phone::parse(s).ok().map(|p| p.as_str().to_owned());
    let parsers: Vec<(&str, Parser)> = vec![
        ("phone", phone),
        ("crew_phone", phone),
        ("contact_phone", phone),
        ("account_no", |s| app::customers::model::AccountNo::parse(s).ok().map(|a| a.as_str().to_owned())),
        ("employee_no", |s| app::auth::model::EmployeeNo::parse(s).map(|e| e.as_str().to_owned())),
        ("number", |s| case::CaseNo::parse(s).ok().map(|n| n.as_str().to_owned())),
        ("email", |s| model::parse_email(s).ok().flatten()),
    ];
    assert!(formats.len() >= 6, "read {formats:?}");
    for (table, definition) in &formats {
        let column = definition.trim_start_matches("CHECK (").trim_start_matches('(').split(' ').next().unwrap();
        let (_, parse) = parsers
            .iter()
            .find(|(name, _)| *name == column)
            .unwrap_or_else(|| panic!("{table}: {definition} has no parser here"));
        let pattern = definition.split("~ '").nth(1).unwrap().split("'::text").next().unwrap();
        for input in typed {
            if let Some(parsed) = parse(input) {
                let accepted: bool =
                    sqlx::query_scalar("select $1 ~ $2").bind(&parsed).bind(pattern).fetch_one(&pool).await.unwrap();
                assert!(accepted, "{table}.{column}: the code takes {input:?} as {parsed:?}, the database refuses it");
            }
        }
    }
}
