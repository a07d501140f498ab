//! Suggestions through the server functions: anyone may send one (without an account, with a
//! phone to be answered on), a client is limited on the public box, supervisors answer once,
//! and a published answer carries no personal data.
use crate::support::*;
use app::{
    error::{AppError, Problem, Refusal},
    suggestions::api::{
        AnswerSuggestion, SendSuggestion, SuggestForm, SuggestSetup, SuggestionBoard, SuggestionView,
        SuggestionsOverview, SuggestionsToAnswer,
    },
};
use server::demo::SUPERVISOR;

const HOUSEHOLD: &str = "13800000001";

fn ok(reply: &Reply) {
    assert!(reply.status.is_success(), "{}: {}", reply.status, String::from_utf8_lossy(&reply.body));
}

async fn form(portal: &Portal, who: Option<&Session>) -> SuggestSetup {
    let reply = portal.call_fn(SuggestForm {}, who).await;
    ok(&reply);
    reply.json()
}

fn args(form: &SuggestSetup, body: &str, phone: Option<&str>) -> SendSuggestion {
    SendSuggestion {
        body: t(body),
        name: Some(t("李先生")),
        phone: phone.map(t),
        submission_key: t(&form.submission_key),
    }
}

fn sent_number(reply: &Reply) -> String {
    reply.location().and_then(|l| l.strip_prefix("/suggest?sent=")).expect("back to the box with the number").to_owned()
}

fn answer(number: &str, reply: &str, title: Option<&str>) -> AnswerSuggestion {
    AnswerSuggestion { number: t(number), reply: t(reply), publish: title.map(|_| t("1")), public_title: title.map(t) }
}

async fn board(portal: &Portal, who: Option<&Session>) -> SuggestionsOverview {
    let reply = portal.call_fn(SuggestionBoard {}, who).await;
    ok(&reply);
    reply.json()
}

/// Someone without an account suggests weekend opening with a phone; a household suggests
/// through its account. The supervisor sees both, due in two working days, answers the first
/// for everyone under a title, and the public page shows the title and the answer only.
#[sqlx::test(migrations = "../migrations")]
async fn anyone_may_suggest_and_an_answer_for_everyone_is_published_without_personal_data(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let anonymous = form(&portal, None).await;
    assert!(!anonymous.signed_in);
    let body = "营业厅周末能不能开门？我的电话13812345678。";
    let no_phone = portal.call_fn(args(&anonymous, body, None), None).await;
    assert_eq!(no_phone.error().for_field("phone"), Some(Problem::Required));
    let bad_phone = portal.call_fn(args(&anonymous, body, Some("12345")), None).await;
    assert_eq!(bad_phone.error().for_field("phone"), Some(Problem::BadPhone));
    let first = portal.call_fn(args(&anonymous, body, Some("138 1234 5678")), None).await;
    ok(&first);
    let number = sent_number(&first);
    let again = portal.call_fn(args(&anonymous, body, Some("13812345678")), None).await;
    assert_eq!(sent_number(&again), number, "a retried suggestion is stored once");

    let household = portal.sign_in(HOUSEHOLD).await;
    let own = form(&portal, Some(&household)).await;
    assert!(own.signed_in);
    ok(&portal.call_fn(args(&own, "希望停电通知能提前一天再提醒一次。", None), Some(&household)).await);
    let mine = board(&portal, Some(&household)).await.mine;
    assert_eq!(mine.len(), 1);
    assert!(mine[0].phone.is_none() && mine[0].from.is_none() && mine[0].deadline.is_some());

    let supervisor = portal.sign_in(SUPERVISOR).await;
    let waiting: Vec<SuggestionView> = portal.call_fn(SuggestionsToAnswer {}, Some(&supervisor)).await.json();
    let theirs = waiting.iter().find(|s| s.number == number).expect("the supervisor sees it");
    assert_eq!((theirs.phone.as_deref(), theirs.from.as_deref()), (Some("13812345678"), Some("李先生")));
    let due = theirs.deadline.expect("due while unanswered");
    let days = (due.at - theirs.sent_at).num_hours();
    assert!((24..=5 * 24).contains(&days), "two working days, got {days} hours");

    // Published answers need a title, and neither may carry a phone, account or ID number.
    let reply = "自2027年1月起，营业厅周六上午9点至12点开放。";
    let untitled = AnswerSuggestion { public_title: None, ..answer(&number, reply, Some("x")) };
    assert_eq!(
        portal.call_fn(untitled, Some(&supervisor)).await.error().for_field("public_title"),
        Some(Problem::Required)
    );
    let leaky = portal.call_fn(answer(&number, reply, Some("13812345678的建议")), Some(&supervisor)).await;
    assert_eq!(leaky.error().for_field("public_title"), Some(Problem::PersonalData));
    let leaky = portal.call_fn(answer(&number, "已回电13812345678。", Some("营业厅周末开放")), Some(&supervisor)).await;
    assert_eq!(leaky.error().for_field("reply"), Some(Problem::PersonalData));
    ok(&portal.call_fn(answer(&number, reply, Some("营业厅周末开放")), Some(&supervisor)).await);
    ok(&portal.call_fn(answer(&number, reply, Some("营业厅周末开放")), Some(&supervisor)).await);
    let other = portal.call_fn(answer(&number, "另一个答复", None), Some(&supervisor)).await;
    assert_eq!(other.error(), AppError::Refused(Refusal::NotNow), "answered once");

    let public = portal.call_fn(SuggestionBoard {}, None).await;
    ok(&public);
    let text = String::from_utf8_lossy(&public.body);
    assert!(text.contains("营业厅周末开放") && text.contains("周六上午9点"), "{text}");
    for personal in ["13812345678", "李先生", "我的电话"] {
        assert!(!text.contains(personal), "the public page shows {personal}");
    }
    let overview: SuggestionsOverview = public.json();
    assert!(overview.mine.is_empty());
}

/// The public box takes five suggestions an hour from one client, then asks it to wait.
#[sqlx::test(migrations = "../migrations")]
async fn the_public_box_takes_five_an_hour_from_one_client(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    for _ in 0..5 {
        let setup = form(&portal, None).await;
        ok(&portal.call_fn(args(&setup, "建议增加缴费网点。", Some("13812345678")), None).await);
    }
    let setup = form(&portal, None).await;
    let sixth = portal.call_fn(args(&setup, "建议增加缴费网点。", Some("13812345678")), None).await;
    assert!(matches!(sixth.error(), AppError::Throttled { retry_after_seconds } if retry_after_seconds > 0));
}

/// Only supervisors list and answer suggestions; staff do not send them through the box.
#[sqlx::test(migrations = "../migrations")]
async fn only_supervisors_answer_suggestions(pool: sqlx::PgPool) {
    let portal = Portal::new(pool).await;
    let setup = form(&portal, None).await;
    let number = sent_number(&portal.call_fn(args(&setup, "建议增加缴费网点。", Some("13812345678")), None).await);
    for who in [Some(HOUSEHOLD), Some("M1003"), Some("D2001"), None] {
        let session = match who {
            Some(id) => Some(portal.sign_in(id).await),
            None => None,
        };
        let list = portal.call_fn(SuggestionsToAnswer {}, session.as_ref()).await;
        assert!(matches!(list.error(), AppError::NotFound | AppError::NotSignedIn), "{who:?}");
        let answered = portal.call_fn(answer(&number, "好的", None), session.as_ref()).await;
        assert!(matches!(answered.error(), AppError::NotFound | AppError::NotSignedIn), "{who:?}");
    }
    let manager = portal.sign_in("M1003").await;
    assert_eq!(portal.call_fn(SuggestForm {}, Some(&manager)).await.error(), AppError::NotFound);
    let supervisor = portal.sign_in(SUPERVISOR).await;
    let missing = portal.call_fn(answer("ZZZZ2345", "好的", None), Some(&supervisor)).await;
    assert_eq!(missing.error(), AppError::NotFound);
}
