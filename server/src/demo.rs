//! A small county to try the portal with: areas, departments, managers of every tier and
//! grade, about sixty customers and two large-customer companies. Loaded once, in one
//! transaction; the integration tests start from the same data.
use app::auth::session::hash_password;
use sqlx::{PgPool, Postgres, Transaction};

pub const PASSWORD: &str = "demo1234";

struct Area {
    code: &'static str,
    zh: &'static str,
    en: &'static str,
    kind: &'static str,
}

const AREAS: &[Area] = &[
    Area { code: "YBS-N", zh: "叶柏寿城区北网格", en: "Yebaishou North", kind: "urban" },
    Area { code: "YBS-S", zh: "叶柏寿城区南网格", en: "Yebaishou South", kind: "urban" },
    Area { code: "KFQ", zh: "建平经济开发区网格", en: "Jianping Development Zone", kind: "urban" },
    Area { code: "ZLK", zh: "朱碌科镇网格", en: "Zhulike Town", kind: "township" },
    Area { code: "HS", zh: "黑水镇网格", en: "Heishui Town", kind: "township" },
    Area { code: "SH", zh: "沙海镇网格", en: "Shahai Town", kind: "township" },
    Area { code: "QFS", zh: "青峰山片区", en: "Qingfengshan", kind: "remote" },
];

const DEPARTMENTS: &[(&str, &str, &str, &str)] = &[
    ("billing", "电费核算中心", "Billing Centre", "service"),
    ("connection", "业扩报装中心", "New Connections Centre", "service"),
    ("command", "供电服务指挥中心", "Service Command Centre", "service"),
    ("metering", "计量中心", "Metering Centre", "technical"),
    ("it", "信息通信分公司", "IT & Communications", "technical"),
    ("maintenance", "运维检修部", "Operations & Maintenance", "strategy"),
    ("planning", "发展策划部", "Development Planning", "strategy"),
];

/// (employee number, name, tier, grade)
const MANAGERS: &[(&str, &str, &str, &str)] = &[
    ("M1001", "李海峰", "member", "senior"),
    ("M1002", "王雪梅", "member", "first"),
    ("M1003", "张志强", "community", "senior"),
    ("M1004", "刘丽娟", "community", "first"),
    ("M1005", "陈海燕", "community", "second"),
    ("M1006", "杨明", "community", "trainee"),
    ("M1007", "赵国庆", "area", "first"),
    ("M1008", "吴春梅", "area", "second"),
    ("M1009", "孙磊", "area", "second"),
    ("M1010", "周静", "area", "trainee"),
];

/// (employee number, name, department code)
const DEPARTMENT_STAFF: &[(&str, &str, &str)] = &[
    ("D2001", "马晓东", "billing"),
    ("D2002", "胡建军", "maintenance"),
    ("D2003", "郭艳", "connection"),
    ("D2004", "宋文博", "metering"),
    ("D2005", "唐丽", "metering"),
];

/// A demo work order, written as the portal would have written it.
#[derive(Clone, Copy)]
struct DemoWork {
    number: &'static str,
    kind: &'static str,
    department: &'static str,
    /// The household (`household(n)`) it is for.
    household: usize,
    handed_by: &'static str,
    taken_by: Option<&'static str>,
    state: &'static str,
    days_ago: i32,
    /// Days until it is due; negative: overdue.
    due_in: i32,
    ask: &'static str,
    /// What was written with the last step (a question, the customer's line).
    said: Option<&'static str>,
}

/// Work orders in every state, so the back office is alive from the start.
const WORK_ORDERS: &[DemoWork] = &[
    DemoWork {
        number: "WKDEMA23",
        kind: "bill_correction",
        department: "billing",
        household: 5,
        handed_by: "M1003",
        taken_by: Some("D2001"),
        state: "taken",
        days_ago: 1,
        due_in: 2,
        ask: "11月抄表数与表计示数不符，请核对后退补电费。",
        said: None,
    },
    DemoWork {
        number: "WKDEMB23",
        kind: "meter_check",
        department: "metering",
        household: 9,
        handed_by: "M1003",
        taken_by: None,
        state: "open",
        days_ago: 5,
        due_in: -1,
        ask: "客户反映电表走字过快，请现场校验。",
        said: None,
    },
    DemoWork {
        number: "WKDEMC23",
        kind: "meter_check",
        department: "metering",
        household: 1,
        handed_by: "M1003",
        taken_by: Some("D2004"),
        state: "asked",
        days_ago: 2,
        due_in: 1,
        ask: "表计有烧焦痕迹，请检查并更换。",
        said: Some("表箱钥匙在谁那里？需要客户在家吗？"),
    },
    DemoWork {
        number: "WKDEMD23",
        kind: "meter_check",
        department: "metering",
        household: 13,
        handed_by: "M1003",
        taken_by: Some("D2005"),
        state: "done",
        days_ago: 6,
        due_in: 0,
        ask: "复核电表计量是否准确。",
        said: Some("您的电能表经校验，误差在允许范围内。"),
    },
    DemoWork {
        number: "WKDEME23",
        kind: "site_survey",
        department: "connection",
        household: 31,
        handed_by: "M1007",
        taken_by: None,
        state: "open",
        days_ago: 0,
        due_in: 3,
        ask: "客户申请增容至 16kW，请现场勘查线路与表箱。",
        said: None,
    },
];

/// (company, manager, sites (name, address), contacts (name, phone))
type Company =
    (&'static str, &'static str, &'static [(&'static str, &'static str)], &'static [(&'static str, &'static str)]);
const COMPANIES: &[Company] = &[
    (
        "建平县人民医院",
        "M1001",
        &[
            ("建平县人民医院 门诊楼", "叶柏寿街道人民路88号"),
            ("建平县人民医院 住院部", "叶柏寿街道人民路90号"),
            ("建平县人民医院 开发区分院", "建平经济开发区兴业大街6号"),
        ],
        &[("林晓红", "13900000001"), ("何振宇", "13900000002")],
    ),
    (
        "建平宏达水泥有限公司",
        "M1002",
        &[
            ("宏达水泥 一号厂区", "建平经济开发区工业路1号"),
            ("宏达水泥 二号厂区", "建平经济开发区工业路9号"),
            ("宏达水泥 石灰石矿", "朱碌科镇北沟村"),
            ("宏达水泥 办公楼", "叶柏寿街道建设路16号"),
        ],
        &[("罗建平", "13900000003"), ("高淑芬", "13900000004")],
    ),
];

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林",
    "罗",
];
const GIVEN: &[&str] = &[
    "秀英", "桂英", "建华", "志强", "丽娟", "海燕", "国庆", "春梅", "明", "伟", "芳", "军", "敏", "静", "磊", "洋",
    "勇", "艳", "杰", "娜", "玉兰", "德胜", "凤芝",
];
const STREETS: &[&str] = &["朝阳路", "建设路", "新华街", "人民路", "和平街", "光明街"];
const VILLAGES: &[&str] = &["东村", "西村", "南营子村", "北沟村", "河湾村", "后坡村"];

/// Households: the first this many are urban, the rest township.
const URBAN_HOUSEHOLDS: usize = 30;
const TOWNSHIP_HOUSEHOLDS: usize = 23;
pub const SUPERVISOR: &str = "S0001";
/// A second supervisor, who reviews complaints the first one handled.
pub const REVIEWER: &str = "S0002";

/// Demo sign-in of household number `n` (from 1): phone and account number.
pub fn household(n: usize) -> (String, String) {
    (format!("1380000{n:04}"), format!("31000{n:05}"))
}

/// A service application in the demo: for a household (`household(n)`) or a company's site
/// (by name, applied for by the contact with this phone).
struct DemoApplication {
    number: &'static str,
    kind: &'static str,
    applicant: Applicant,
    stage: &'static str,
    site: &'static str,
    capacity_kva: Option<i32>,
    days_ago: i32,
    /// Days since acceptance, and the days until the utility's steps are due (negative: late).
    accepted: Option<(i32, i32)>,
    /// Days since the customer has had the next move (a plan to confirm).
    paused_days_ago: Option<i32>,
    items: &'static [(&'static str, &'static str)],
}

enum Applicant {
    Household(usize),
    Site { name: &'static str, contact: &'static str },
}

/// Applications in several stages: documents asked for, under review, a plan with the
/// customer, a survey under way, one late, one connected.
const APPLICATIONS: &[DemoApplication] = &[
    DemoApplication {
        number: "APDEMA23",
        kind: "capacity_increase",
        applicant: Applicant::Household(1),
        stage: "documents_requested",
        site: "叶柏寿街道人民路1号",
        capacity_kva: Some(12),
        days_ago: 3,
        accepted: None,
        paused_days_ago: None,
        items: &[("id_card", "accepted"), ("load_list", "requested")],
    },
    DemoApplication {
        number: "APDEMB23",
        kind: "new_residential",
        applicant: Applicant::Household(4),
        stage: "submitted",
        site: "叶柏寿街道朝阳小区5号楼",
        capacity_kva: Some(8),
        days_ago: 1,
        accepted: None,
        paused_days_ago: None,
        items: &[("id_card", "provided"), ("property_proof", "provided")],
    },
    DemoApplication {
        number: "APDEMC23",
        kind: "new_hv_single",
        applicant: Applicant::Site { name: "建平县人民医院 开发区分院", contact: "13900000001" },
        stage: "plan_to_confirm",
        site: "建平经济开发区兴业大街6号",
        capacity_kva: Some(1250),
        days_ago: 20,
        accepted: Some((15, 0)),
        paused_days_ago: Some(2),
        items: &[
            ("business_licence", "accepted"),
            ("authorisation", "accepted"),
            ("id_card", "accepted"),
            ("property_proof", "accepted"),
            ("load_list", "accepted"),
            ("site_plan", "accepted"),
            ("single_line_diagram", "accepted"),
        ],
    },
    DemoApplication {
        number: "APDEMD23",
        kind: "capacity_increase",
        applicant: Applicant::Site { name: "宏达水泥 一号厂区", contact: "13900000003" },
        stage: "site_survey",
        site: "建平经济开发区工业路1号",
        capacity_kva: Some(2000),
        days_ago: 6,
        accepted: Some((3, 19)),
        paused_days_ago: None,
        items: &[
            ("business_licence", "accepted"),
            ("authorisation", "accepted"),
            ("id_card", "accepted"),
            ("load_list", "accepted"),
            ("single_line_diagram", "accepted"),
        ],
    },
    DemoApplication {
        number: "APDEME23",
        kind: "meter_relocation",
        applicant: Applicant::Household(9),
        stage: "meter_installation",
        site: "叶柏寿街道文化路9号",
        capacity_kva: None,
        days_ago: 12,
        accepted: Some((8, -1)),
        paused_days_ago: None,
        items: &[("id_card", "accepted"), ("site_plan", "accepted")],
    },
    DemoApplication {
        number: "APDEMF23",
        kind: "new_residential",
        applicant: Applicant::Household(7),
        stage: "completed",
        site: "叶柏寿街道新华路7号",
        capacity_kva: Some(8),
        days_ago: 14,
        accepted: Some((10, 0)),
        paused_days_ago: None,
        items: &[("id_card", "accepted"), ("property_proof", "accepted")],
    },
];

/// A PDF the demo's documents are: a page saying it stands for a scan.
const DEMO_PDF: &[u8] = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n";

async fn demo_application(tx: &mut Transaction<'_, Postgres>, a: &DemoApplication) -> Result<(), sqlx::Error> {
    let (account, applicant) = match a.applicant {
        Applicant::Household(n) => {
            let (phone, account) = household(n);
            (Some(account), phone)
        }
        Applicant::Site { contact, .. } => (None, contact.to_owned()),
    };
    let site_name = match a.applicant {
        Applicant::Site { name, .. } => Some(name),
        Applicant::Household(_) => None,
    };
    let accepted_ago = a.accepted.map(|(ago, _)| ago);
    let due_in = a.accepted.map(|(_, due)| due).filter(|_| a.paused_days_ago.is_none() && a.stage != "completed");
    let open = a.stage != "completed";
    let case_id: i64 = sqlx::query_scalar(
        "insert into cases (kind, number, customer_id, opened_by, opened_at, submission_key, open, due_at, at_risk_at)
         select 'application', $1, c.id, u.id, now() - make_interval(days => $4), gen_random_uuid(), $5,
                date_trunc('day', now()) + make_interval(days => $6, hours => 10),
                date_trunc('day', now()) + make_interval(days => $6 - 1, hours => 10)
         from customers c, users u
         where (c.account_no = $2 or c.name = $7) and u.phone = $3
         returning id",
    )
    .bind(a.number)
    .bind(&account)
    .bind(&applicant)
    .bind(a.days_ago)
    .bind(open)
    .bind(due_in)
    .bind(site_name)
    .fetch_one(&mut **tx)
    .await?;
    sqlx::query(
        "insert into applications (id, kind, stage, site_address, capacity_kva, submitted_at, accepted_at, completed_at,
                                   paused_since, requests)
         values ($1, $2, $3, $4, $5, now() - make_interval(days => $6 - 1), now() - make_interval(days => $7),
                 case when $3 = 'completed' then now() - interval '1 day' end, now() - make_interval(days => $8),
                 case when $3 = 'documents_requested' then 1 else 0 end)",
    )
    .bind(case_id)
    .bind(a.kind)
    .bind(a.stage)
    .bind(a.site)
    .bind(a.capacity_kva)
    .bind(a.days_ago)
    .bind(accepted_ago)
    .bind(a.paused_days_ago)
    .execute(&mut **tx)
    .await?;
    for (position, (item, state)) in a.items.iter().enumerate() {
        sqlx::query("insert into application_items (application_id, item, position, state) values ($1, $2, $3, $4)")
            .bind(case_id)
            .bind(item)
            .bind(position as i16 + 1)
            .bind(state)
            .execute(&mut **tx)
            .await?;
        sqlx::query(
            "insert into application_documents (application_id, item, content_type, bytes, uploaded_by, uploaded_at)
             select $1, $2, 'application/pdf', $3, opened_by, opened_at from cases where id = $1",
        )
        .bind(case_id)
        .bind(item)
        .bind(DEMO_PDF)
        .execute(&mut **tx)
        .await?;
    }
    // The timeline: started by the customer, then where it stands now.
    for (kind, status, days_ago) in [("reported", "draft", a.days_ago), ("status", a.stage, 0)] {
        sqlx::query(
            "insert into case_events (case_id, actor_id, kind, status, at)
             select $1, opened_by, $2, $3, now() - make_interval(days => $4) from cases where id = $1",
        )
        .bind(case_id)
        .bind(kind)
        .bind(status)
        .bind(days_ago)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// A complaint in the demo, by household `household(n)`, sent `hours_ago`, in `stage`; a
/// review (round 2) is handled by the second supervisor.
struct DemoComplaint {
    number: &'static str,
    household: usize,
    category: &'static str,
    what: &'static str,
    hours_ago: i32,
    stage: &'static str,
    round: i16,
    /// The finding and reply, once replied; and the customer's rating (satisfied, reason).
    reply: Option<(&'static str, &'static str, &'static str)>,
    rating: Option<(bool, Option<&'static str>)>,
}

/// Complaints in every state: just in, late for contact, contacted, replied and waiting for
/// the rating, closed satisfied, and one under review by the second supervisor.
const COMPLAINTS: &[DemoComplaint] = &[
    DemoComplaint {
        number: "CPDEMA23",
        household: 10,
        category: "service_attitude",
        what: "客户经理接电话时态度生硬，没有听完我的问题就挂断了。",
        hours_ago: 2,
        stage: "received",
        round: 1,
        reply: None,
        rating: None,
    },
    DemoComplaint {
        number: "CPDEMB23",
        household: 11,
        category: "outage_reconnection",
        what: "上周停电后等了六个小时才恢复，期间没有人告知进展。",
        hours_ago: 30,
        stage: "received",
        round: 1,
        reply: None,
        rating: None,
    },
    DemoComplaint {
        number: "CPDEMC23",
        household: 12,
        category: "business_handling",
        what: "更名手续来回跑了三次，每次要的材料都不一样。",
        hours_ago: 26,
        stage: "contacted",
        round: 1,
        reply: None,
        rating: None,
    },
    DemoComplaint {
        number: "CPDEMD23",
        household: 15,
        category: "supply_quality",
        what: "晚上电压偏低，灯一直闪，空调启动不了。",
        hours_ago: 72,
        stage: "replied",
        round: 1,
        reply: Some((
            "upheld",
            "台区变压器负载过高，已安排增容。",
            "经核实，您所在台区晚高峰电压偏低属实。我们已安排台区增容，预计两周内完成，期间如有问题请随时联系。",
        )),
        rating: None,
    },
    DemoComplaint {
        number: "CPDEME23",
        household: 16,
        category: "other",
        what: "营业厅周六不开门，上班族没法办业务。",
        hours_ago: 240,
        stage: "closed",
        round: 1,
        reply: Some((
            "partly_upheld",
            "营业厅周六上午已开放，但未公示。",
            "营业厅周六上午9点至12点开放，我们已在门口和网上公示营业时间，也可在本门户办理大部分业务。",
        )),
        rating: Some((true, None)),
    },
    DemoComplaint {
        number: "CPDEMF23",
        household: 19,
        category: "service_attitude",
        what: "抄表员进院子没有出示证件。",
        hours_ago: 120,
        stage: "received",
        round: 2,
        reply: Some((
            "not_upheld",
            "当日抄表员佩戴了工作证。",
            "经核实，当日抄表员按规定佩戴了工作证，今后我们会提醒抄表员主动出示。",
        )),
        rating: Some((false, Some("我当时没有看到证件，希望再核实一下。"))),
    },
];

async fn demo_complaint(tx: &mut Transaction<'_, Postgres>, c: &DemoComplaint) -> Result<(), sqlx::Error> {
    let (phone, account) = household(c.household);
    let handler = if c.round == 2 { REVIEWER } else { SUPERVISOR };
    let waiting = matches!(c.stage, "received" | "contacted");
    // A review started a day ago; the round's contact limit is 24 hours, the reply about four
    // working days (the portal computes them exactly; the demo only needs them plausible).
    let started_hours_ago = if c.round == 2 { 24 } else { c.hours_ago };
    let case_id: i64 = sqlx::query_scalar(
        "insert into cases (kind, number, customer_id, opened_by, opened_at, submission_key, open, due_at, at_risk_at,
                            handled_by)
         select 'complaint', $1, c.id, u.id, now() - make_interval(hours => $4), gen_random_uuid(), $5,
                case when $5 then now() - make_interval(hours => $6) + case when $7 = 'received' then interval '24 hours' else interval '6 days' end end,
                case when $5 then now() - make_interval(hours => $6) + case when $7 = 'received' then interval '20 hours' else interval '5 days' end end,
                h.id
         from customers c, users u, users h
         where c.account_no = $2 and u.phone = $3 and h.employee_no = $8
         returning id",
    )
    .bind(c.number)
    .bind(&account)
    .bind(&phone)
    .bind(c.hours_ago)
    .bind(waiting)
    .bind(started_hours_ago)
    .bind(c.stage)
    .bind(handler)
    .fetch_one(&mut **tx)
    .await?;
    sqlx::query(
        "insert into complaints (id, category, what_happened, manager_user_id, round, stage)
         select $1, $2, $3, m.user_id, $4, $5
         from cases k join manager_assignments ma on ma.customer_id = k.customer_id and ma.ended_at is null
         join managers m on m.id = ma.manager_id where k.id = $1",
    )
    .bind(case_id)
    .bind(c.category)
    .bind(c.what)
    .bind(c.round)
    .bind(c.stage)
    .execute(&mut **tx)
    .await?;
    // The first round (finished when a review follows), then the review.
    let first_done = c.round == 2;
    let contacted = first_done || c.stage != "received";
    let replied = first_done || matches!(c.stage, "replied" | "closed");
    let (finding, reason, reply) = (c.reply.map(|r| r.0), c.reply.map(|r| r.1), c.reply.map(|r| r.2));
    let rated = c.rating.filter(|_| first_done || c.stage == "closed");
    sqlx::query(
        "insert into complaint_rounds (complaint_id, round, handler_id, started_at, contacted_at, contact_method,
                                       finding, finding_reason, reply, replied_at, satisfied, rating_reason, rated_at)
         select $1, 1, u.id, k.opened_at,
                case when $2 then k.opened_at + interval '3 hours' end, case when $2 then 'phone' end,
                case when $3 then $4 end, case when $3 then $5 end, case when $3 then $6 end,
                case when $3 then k.opened_at + interval '2 days' end,
                $7, $8, case when $7 is not null then k.opened_at + interval '3 days' end
         from cases k, users u where k.id = $1 and u.employee_no = $9",
    )
    .bind(case_id)
    .bind(contacted)
    .bind(replied)
    .bind(finding)
    .bind(reason)
    .bind(reply)
    .bind(rated.map(|(s, _)| s))
    .bind(rated.and_then(|(_, why)| why))
    .bind(SUPERVISOR)
    .execute(&mut **tx)
    .await?;
    if first_done {
        sqlx::query(
            "insert into complaint_rounds (complaint_id, round, handler_id, started_at)
             select $1, 2, u.id, now() - interval '24 hours' from users u where u.employee_no = $2",
        )
        .bind(case_id)
        .bind(REVIEWER)
        .execute(&mut **tx)
        .await?;
    }
    sqlx::query(
        "insert into case_events (case_id, actor_id, kind, status, at)
         select id, opened_by, 'reported', 'received', opened_at from cases where id = $1",
    )
    .bind(case_id)
    .execute(&mut **tx)
    .await?;
    if c.stage != "received" || first_done {
        let last = if first_done { "received" } else { c.stage };
        demo_event(tx, case_id, SUPERVISOR, 0, ("status", Some(last), None)).await?;
    }
    Ok(())
}

/// A year of repairs for every household, each rated, so a new user sees real service
/// records and scorecards (the demo's managers are taken to have served their customers for
/// over a year); evaluations for the last two quarters; improvement actions in the satisfaction
/// cycle; suggestions, one answered publicly.
/// Loaded by `make run` after the county (tests start from the county alone and make the
/// history they need).
pub async fn load_history(pool: &PgPool) -> Result<(), sqlx::Error> {
    let mut tx = pool.begin().await?;
    sqlx::query("update manager_assignments set assigned_at = now() - interval '400 days' where ended_at is null")
        .execute(&mut *tx)
        .await?;
    // Four repairs per household spread over the year; a number drawn from the case alphabet
    // (md5's hex digits mapped onto 2-9 and A-H).
    sqlx::query(
        "with h as (
             select c.id as customer_id, c.user_id, c.address, c.phone, a.area_type, m.user_id as manager_user_id,
                    row_number() over (order by c.id)::int as n
             from customers c join service_areas a on a.id = c.area_id
             join manager_assignments ma on ma.customer_id = c.id and ma.ended_at is null
             join managers m on m.id = ma.manager_id
             where c.user_id is not null
         ), made as (
             select h.*, k, date_trunc('minute', now()) - make_interval(days => (n * 37 + k * 89) % 350 + 8,
                                                                        hours => (n + k) % 9) as at,
                    20 + (n * k * 7) % 50 as arrive_minutes, 30 + ((n + k) * 13) % 240 as restore_minutes,
                    3 + (n * 3 + k) % 3 - case when (n + k) % 11 = 0 then 2 else 0 end as score,
                    translate(substr(md5(random()::text || n || '-' || k), 1, 8), '0123456789abcdef',
                              '23456789ABCDEFGH') as number
             from h, generate_series(1, 4) k
         ), opened as (
             insert into cases (kind, number, customer_id, opened_by, opened_at, submission_key, open)
             select 'ticket', number, customer_id, user_id, at, gen_random_uuid(), false from made
             returning id, number
         ), repaired as (
             insert into tickets (id, category, urgent, description, address, contact_phone, status, area_type,
                                  arrive_by, arrived_at, restore_by, restored_at, closed_at)
             select o.id, 'no_power', false, '', m.address, m.phone, 'closed', m.area_type,
                    m.at + case when m.area_type = 'urban' then interval '45 minutes' else interval '90 minutes' end,
                    m.at + make_interval(mins => m.arrive_minutes),
                    m.at + make_interval(mins => m.arrive_minutes) + interval '4 hours',
                    m.at + make_interval(mins => m.arrive_minutes + m.restore_minutes),
                    m.at + make_interval(mins => m.arrive_minutes + m.restore_minutes) + interval '1 day'
             from opened o join made m on m.number = o.number
             returning id
         ), rated as (
             insert into ratings (ticket_id, rated_by, overall, speed, attitude, professionalism, rated_at)
             select o.id, m.user_id, m.score, greatest(1, m.score - (m.k % 2)), least(5, m.score + 1), m.score,
                    m.at + interval '1 day'
             from opened o join made m on m.number = o.number
         )
         insert into case_events (case_id, actor_id, kind, status, at)
         select o.id, e.actor, e.kind, e.status, e.at
         from opened o join made m on m.number = o.number,
              lateral (values (m.user_id, 'reported', 'submitted', m.at),
                              (m.manager_user_id, 'status', 'accepted', m.at + make_interval(mins => 5 + (m.n * m.k) % 40)),
                              (m.manager_user_id, 'status', 'restored',
                               m.at + make_interval(mins => m.arrive_minutes + m.restore_minutes)),
                              (m.user_id, 'status', 'closed',
                               m.at + make_interval(mins => m.arrive_minutes + m.restore_minutes) + interval '1 day'))
                  as e(actor, kind, status, at)",
    )
    .execute(&mut *tx)
    .await?;
    // The community managers' evaluations for the last two quarters.
    sqlx::query(
        "with q as (select (date_trunc('quarter', now() at time zone 'Asia/Shanghai') - make_interval(months => 3 * k))::date
                           as start, k from generate_series(1, 2) k)
         insert into manager_evaluations (manager_id, period_kind, period_start, outcome, note, training, recorded_by,
                                          recorded_at)
         select m.id, 'quarter', q.start, e.outcome, e.note, e.training, s.id, q.start + interval '3 months 5 days'
         from q cross join managers m join users u on u.id = m.user_id
         join users s on s.employee_no = $1
         join (values ('M1003', 1, 'commend', '抢修到达全部在承诺时限内，客户评价最高。', null),
                      ('M1003', 2, 'keep', '各项指标稳定。', null),
                      ('M1004', 1, 'keep', '回复及时，投诉一件已整改。', null),
                      ('M1004', 2, 'training_needed', '首次回复偏慢。', '客户沟通与回复时效'),
                      ('M1005', 1, 'warning', '一件投诉属实：停电期间未告知客户进展。', null),
                      ('M1005', 2, 'keep', '整改后无新投诉。', null),
                      ('M1006', 1, 'keep', '见习期表现良好。', null),
                      ('M1006', 2, 'training_needed', '专业问题答复不够准确。', '计量与电价政策'))
              as e(employee_no, k, outcome, note, training) on e.employee_no = u.employee_no and e.k = q.k",
    )
    .bind(SUPERVISOR)
    .execute(&mut *tx)
    .await?;
    // The satisfaction cycle: an action on the community tier's speed two quarters ago, done, and
    // one on its attitude last quarter, under way; each with the next quarter's figure beside it.
    sqlx::query(
        "with q as (select (date_trunc('quarter', now() at time zone 'Asia/Shanghai') - make_interval(months => 3 * k))::date
                           as start, k from generate_series(1, 2) k)
         insert into improvement_actions (period_kind, period_start, tier, dimension, action, owner, due_on, done_at,
                                          recorded_by, recorded_at, submission_key)
         select 'quarter', q.start, 'community', a.dimension, a.action, a.owner,
                case when a.done then (q.start + interval '4 months')::date else current_date + 20 end,
                case when a.done then q.start + interval '3 months 20 days' end, s.id,
                q.start + interval '3 months 6 days', gen_random_uuid()
         from q join (values (2, 'speed', '抢修班组夜间加派值守人员，到场前电话告知预计到达时间。', '城区抢修班', true),
                             (1, 'attitude', '客户经理每月参加一次服务礼仪培训，回访时先致歉再说明原因。', '客户服务中心',
                              false))
                   as a(k, dimension, action, owner, done) on a.k = q.k
         join users s on s.employee_no = $1",
    )
    .bind(SUPERVISOR)
    .execute(&mut *tx)
    .await?;
    // Suggestions: one answered for everyone, one answered to its sender, one waiting.
    sqlx::query(
        "insert into suggestions (number, user_id, name, phone, body, sent_at, due_at, at_risk_at, client_key,
                                  submission_key, reply, replied_at, replied_by, public_title)
         select s.number, u.id, s.name, s.phone, s.body, now() - make_interval(days => s.days), now() + interval '1 day',
                now(), 'demo', gen_random_uuid(), s.reply, case when s.reply is not null then now() - interval '1 day' end,
                case when s.reply is not null then v.id end, s.title
         from (values ('SGDEMA23', null, '王先生', '13700001111', '营业厅周六能不能开门？上班族平时没时间去。', 9,
                       '自本月起，营业厅周六上午9点至12点开放；大部分业务也可在本门户办理。', '营业厅周末开放时间'),
                      ('SGDEMB23', '13800000006', null, null, '希望停电通知能提前一天再提醒一次。', 4,
                       '已采纳：计划停电前7天和前1天都会通知您，可在设置中选择短信或邮件。', null),
                      ('SGDEMC23', null, '李女士', '13700002222', '建议在村委会设一个缴费点。', 1, null, null))
              as s(number, household_phone, name, phone, body, days, reply, title)
         left join users u on u.phone = s.household_phone
         cross join users v where v.employee_no = $1",
    )
    .bind(SUPERVISOR)
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}

/// Loads the demo county with its back office's work orders unless any user exists. Returns
/// whether it loaded.
pub async fn load_once(pool: &PgPool) -> Result<bool, Box<dyn std::error::Error>> {
    load_demo_once(pool, true).await
}

/// The county alone (people, areas, an outage), for a database migrated only as far as the
/// case core: the migration tests start from it.
pub async fn load_county_once(pool: &PgPool) -> Result<bool, Box<dyn std::error::Error>> {
    load_demo_once(pool, false).await
}

async fn load_demo_once(pool: &PgPool, work_orders: bool) -> Result<bool, Box<dyn std::error::Error>> {
    let mut tx = pool.begin().await?;
    // One loader at a time, even with two servers starting together.
    sqlx::query("select pg_advisory_xact_lock(7101)").execute(&mut *tx).await?;
    let exists: bool = sqlx::query_scalar("select exists (select 1 from users)").fetch_one(&mut *tx).await?;
    if exists {
        return Ok(false);
    }
    let hash = hash_password(PASSWORD.to_owned()).await.map_err(|e| e.to_string())?;
    load(&mut tx, &hash, work_orders).await?;
    if work_orders {
        for w in WORK_ORDERS {
            let department = id(&mut tx, "select id from departments where code = $1", &[w.department]).await?;
            demo_work_order(&mut tx, w, department).await?;
        }
        for a in APPLICATIONS {
            demo_application(&mut tx, a).await?;
        }
        for c in COMPLAINTS {
            demo_complaint(&mut tx, c).await?;
        }
        demo_archive(&mut tx).await?;
        demo_grids(&mut tx, &hash).await?;
    }
    tx.commit().await?;
    Ok(true)
}

/// The large customer whose archive is confidential in the demo: a cement works, whose
/// production figures a competitor would like to read.
const CONFIDENTIAL_COMPANY: &str = "建平宏达水泥有限公司";

/// Some history in the archive's register: readings with their reasons over the last days, an
/// opening of the confidential archive, and one unusual day (a supervisor opening 32
/// customers in a day) for the register's alert. Households up to 25 are left to the tests.
async fn demo_archive(tx: &mut Transaction<'_, Postgres>) -> Result<(), sqlx::Error> {
    sqlx::query("update companies set confidential = true where name = $1")
        .bind(CONFIDENTIAL_COMPANY)
        .execute(&mut **tx)
        .await?;
    sqlx::query(
        "insert into archive_readings (reader_id, customer_id, fields, reason, note, own, read_at, submission_key)
         select u.id, c.id, r.fields, r.reason, r.note, r.own, now() - make_interval(days => r.days, hours => r.hours),
                gen_random_uuid()
         from (values ('M1005', '3100000027', array['phone', 'address'], 'call_back', null, true, 2, 3),
                      ('S0001', '3100000031', array['phone'], 'billing', null, false, 4, 1),
                      ('M1007', '3100000033', array['phone', 'address'], 'site_visit', null, true, 6, 5),
                      ('M1002', '3100090003', array[]::text[], null, null, true, 1, 2),
                      ('S0002', '3100090004', array['phone', 'address'], 'other', '年度安全检查核对联系人', false, 3, 2))
              as r(employee_no, account_no, fields, reason, note, own, days, hours)
         join users u on u.employee_no = r.employee_no
         join customers c on c.account_no = r.account_no",
    )
    .execute(&mut **tx)
    .await?;
    sqlx::query(
        "insert into archive_readings (reader_id, customer_id, fields, reason, own, read_at, submission_key)
         select u.id, c.id, array['phone'], 'call_back', false, now() - interval '3 days' + n * interval '4 minutes',
                gen_random_uuid()
         from users u,
              lateral (select c.id, row_number() over (order by c.account_no) as n from customers c
                       where c.account_no > '3100000025'
                       order by c.account_no limit 32) c
         where u.employee_no = 'S0002'",
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn id(tx: &mut Transaction<'_, Postgres>, sql: &str, binds: &[&str]) -> Result<i64, sqlx::Error> {
    let mut query = sqlx::query_scalar::<_, i64>(sql);
    for b in binds {
        query = query.bind(*b);
    }
    query.fetch_one(&mut **tx).await
}

/// Trainees and the mentor each serves under (employee numbers).
const MENTORS: &[(&str, &str)] = &[("M1006", "M1004"), ("M1010", "M1007")];

/// `grades`: the database has the grade rule (a trainee serves only under a mentor), so the
/// mentors are named before any customer is assigned. The migration tests load the county
/// into a database migrated only as far as the case core, which has no mentors yet.
async fn load(tx: &mut Transaction<'_, Postgres>, hash: &str, grades: bool) -> Result<(), sqlx::Error> {
    let mut area_ids = std::collections::HashMap::new();
    for a in AREAS {
        let area = id(
            tx,
            "insert into service_areas (code, name_zh, name_en, area_type) values ($1, $2, $3, $4) returning id",
            &[a.code, a.zh, a.en, a.kind],
        )
        .await?;
        area_ids.insert(a.code, area);
    }
    let mut department_ids = std::collections::HashMap::new();
    for (code, zh, en, team) in DEPARTMENTS {
        let department = id(
            tx,
            "insert into departments (code, name_zh, name_en, support_team) values ($1, $2, $3, $4) returning id",
            &[code, zh, en, team],
        )
        .await?;
        department_ids.insert(*code, department);
    }
    let supervisor = id(tx, "insert into users (role, display_name, employee_no, password_hash) values ('supervisor', $1, $2, $3) returning id", &["周建国", SUPERVISOR, hash]).await?;
    id(tx, "insert into users (role, display_name, employee_no, password_hash) values ('supervisor', $1, $2, $3) returning id", &["王丽华", REVIEWER, hash]).await?;
    let mut manager_ids = std::collections::HashMap::new();
    for (i, (employee_no, name, tier, grade)) in MANAGERS.iter().enumerate() {
        let manager = add_manager(tx, (employee_no, name, tier, grade), i + 1, supervisor, hash).await?;
        manager_ids.insert(*employee_no, (manager, *tier));
    }
    if grades {
        for (trainee, mentor) in MENTORS {
            sqlx::query("update managers set mentor_id = $2 where id = $1")
                .bind(manager_ids[trainee].0)
                .bind(manager_ids[mentor].0)
                .execute(&mut **tx)
                .await?;
        }
    }
    for (employee_no, name, department) in DEPARTMENT_STAFF {
        sqlx::query("insert into users (role, display_name, employee_no, password_hash, department_id) values ('department', $1, $2, $3, $4)")
            .bind(name)
            .bind(employee_no)
            .bind(hash)
            .bind(department_ids[department])
            .execute(&mut **tx)
            .await?;
    }

    let mut account = 90_000;
    for (company, manager, sites, contacts) in COMPANIES {
        let company_id = id(tx, "insert into companies (name) values ($1) returning id", &[company]).await?;
        for (name, phone) in *contacts {
            sqlx::query("insert into users (role, display_name, phone, password_hash, company_id) values ('large_contact', $1, $2, $3, $4)")
                .bind(name)
                .bind(phone)
                .bind(hash)
                .bind(company_id)
                .execute(&mut **tx)
                .await?;
        }
        for (name, address) in *sites {
            account += 1;
            let area = if address.starts_with("建平经济开发区") {
                "KFQ"
            } else if address.starts_with("朱碌科镇") {
                "ZLK"
            } else {
                "YBS-S"
            };
            let customer: i64 = sqlx::query_scalar(
                "insert into customers (account_no, name, phone, address, area_id, customer_group, company_id)
                 values ($1, $2, $3, $4, $5, 'large', $6) returning id",
            )
            .bind(format!("31000{account:05}"))
            .bind(name)
            .bind(contacts[0].1)
            .bind(address)
            .bind(area_ids[area])
            .bind(company_id)
            .fetch_one(&mut **tx)
            .await?;
            assign(tx, customer, "large", manager_ids[manager], supervisor).await?;
        }
    }

    let community: Vec<_> = MANAGERS.iter().filter(|m| m.2 == "community").map(|m| manager_ids[m.0]).collect();
    let area_managers: Vec<_> = MANAGERS.iter().filter(|m| m.2 == "area").map(|m| manager_ids[m.0]).collect();
    let township_areas = ["ZLK", "HS", "SH", "QFS"];
    for n in 1..=URBAN_HOUSEHOLDS + TOWNSHIP_HOUSEHOLDS {
        let urban = n <= URBAN_HOUSEHOLDS;
        let name = format!("{}{}", SURNAMES[n % SURNAMES.len()], GIVEN[(n * 7) % GIVEN.len()]);
        let (phone, account_no) = household(n);
        let (area, address, manager, group) = if urban {
            let area = if n % 2 == 1 { "YBS-N" } else { "YBS-S" };
            (
                area,
                format!("叶柏寿街道{}{}号", STREETS[n % STREETS.len()], 10 + n * 3),
                community[(n - 1) % community.len()],
                "urban",
            )
        } else {
            let k = n - URBAN_HOUSEHOLDS;
            let area = township_areas[k % township_areas.len()];
            let town = AREAS
                .iter()
                .find(|a| a.code == area)
                .map(|a| a.zh.trim_end_matches("网格").trim_end_matches("片区"))
                .unwrap_or_default();
            (
                area,
                format!("{town}{}{}号", VILLAGES[k % VILLAGES.len()], k + 1),
                area_managers[(k - 1) % area_managers.len()],
                "township",
            )
        };
        let home = Home {
            name: &name,
            phone: &phone,
            account_no: &account_no,
            address: &address,
            area: area_ids[area],
            group,
        };
        let customer = add_household(tx, home, hash).await?;
        assign(tx, customer, group, manager, supervisor).await?;
    }
    // The streets and villages of each area, as its customers' addresses name them: what the
    // public outage look-up searches.
    sqlx::query(
        "insert into area_places (area_id, name)
         select distinct area_id, regexp_replace(address, '[0-9]+号$', '') from customers
         on conflict do nothing",
    )
    .execute(&mut **tx)
    .await?;
    // One planned outage ten days out, so the look-up has something to show.
    sqlx::query(
        "with o as (
             insert into outages (kind, reason, public_note, starts_at, ends_at, status, published_by, submission_key)
             values ('planned', '10kV 沙海线年度检修', '请提前做好准备。', date_trunc('hour', now()) + interval '10 days',
                     date_trunc('hour', now()) + interval '10 days 8 hours', 'scheduled', $1, gen_random_uuid())
             returning id
         )
         insert into outage_areas (outage_id, area_id) select o.id, a.id from o, service_areas a where a.code = 'SH'",
    )
    .bind(supervisor)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// One demo work order as the portal would have written it: the case, the order, and its
/// timeline (handed over, then the last step with what was written with it).
async fn demo_work_order(tx: &mut Transaction<'_, Postgres>, w: &DemoWork, department: i64) -> Result<(), sqlx::Error> {
    let DemoWork {
        number, kind, household: household_no, handed_by, taken_by, state, days_ago, due_in, ask, said, ..
    } = *w;
    let (_, account) = household(household_no);
    let finished = matches!(state, "done" | "returned" | "cancelled");
    let case_id: i64 = sqlx::query_scalar(
        "insert into cases (kind, number, customer_id, opened_by, opened_at, submission_key, open, due_at, at_risk_at)
         select 'work_order', $1, c.id, u.id, now() - make_interval(days => $3), gen_random_uuid(), not $5,
                case when $5 then null else date_trunc('day', now()) + make_interval(days => $4, hours => 10) end,
                case when $5 then null else date_trunc('day', now()) + make_interval(days => $4 - 1, hours => 10) end
         from customers c, users u where c.account_no = $2 and u.employee_no = $6
         returning id",
    )
    .bind(number)
    .bind(&account)
    .bind(days_ago)
    .bind(due_in)
    .bind(finished)
    .bind(handed_by)
    .fetch_one(&mut **tx)
    .await?;
    let done = state == "done";
    sqlx::query(
        "insert into work_orders (id, department_id, work_kind, ask, state, handed_by, taken_by, customer_line,
                                  finished_at)
         select $1, $2, $3, $4, $5, h.id, t.id, case when $6 then $7 end, case when $6 then now() - interval '1 day' end
         from users h left join users t on t.employee_no = $9 where h.employee_no = $8",
    )
    .bind(case_id)
    .bind(department)
    .bind(kind)
    .bind(ask)
    .bind(state)
    .bind(done)
    .bind(said)
    .bind(handed_by)
    .bind(taken_by)
    .execute(&mut **tx)
    .await?;
    demo_event(tx, case_id, handed_by, days_ago, ("reported", Some("open"), None)).await?;
    if let Some(by) = taken_by {
        demo_event(tx, case_id, by, 0, ("status", Some(state), None)).await?;
        if said.is_some() {
            demo_event(tx, case_id, by, 0, ("message", None, said)).await?;
        }
    }
    Ok(())
}

/// One timeline entry by the staff member `by`, `days_ago`: (kind, status, body).
async fn demo_event(
    tx: &mut Transaction<'_, Postgres>,
    case_id: i64,
    by: &str,
    days_ago: i32,
    (kind, status, body): (&str, Option<&str>, Option<&str>),
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "insert into case_events (case_id, actor_id, kind, status, body, at)
         select $1, u.id, $3, $4, $5, now() - make_interval(days => $6) from users u where u.employee_no = $2",
    )
    .bind(case_id)
    .bind(by)
    .bind(kind)
    .bind(status)
    .bind(body)
    .bind(days_ago)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A manager with a sign-in; `n` numbers their work phone.
async fn add_manager(
    tx: &mut Transaction<'_, Postgres>,
    (employee_no, name, tier, grade): (&str, &str, &str, &str),
    n: usize,
    supervisor: i64,
    hash: &str,
) -> Result<i64, sqlx::Error> {
    let user = id(tx, "insert into users (role, display_name, employee_no, password_hash) values ('manager', $1, $2, $3) returning id", &[name, employee_no, hash]).await?;
    sqlx::query_scalar(
        "insert into managers (user_id, tier, grade, phone, hours_from, hours_to, supervision_phone, supervisor_id)
         values ($1, $2, $3, $4, '08:30', '17:30', '0421-7822345', $5) returning id",
    )
    .bind(user)
    .bind(tier)
    .bind(grade)
    .bind(format!("1370000{n:04}"))
    .bind(supervisor)
    .fetch_one(&mut **tx)
    .await
}

/// A household's account and the sign-in that goes with it.
struct Home<'a> {
    name: &'a str,
    phone: &'a str,
    account_no: &'a str,
    address: &'a str,
    area: i64,
    group: &'a str,
}

async fn add_household(tx: &mut Transaction<'_, Postgres>, h: Home<'_>, hash: &str) -> Result<i64, sqlx::Error> {
    let user = id(
        tx,
        "insert into users (role, display_name, phone, password_hash) values ('customer', $1, $2, $3) returning id",
        &[h.name, h.phone, hash],
    )
    .await?;
    sqlx::query_scalar(
        "insert into customers (account_no, name, phone, address, area_id, customer_group, user_id)
         values ($1, $2, $3, $4, $5, $6, $7) returning id",
    )
    .bind(h.account_no)
    .bind(h.name)
    .bind(h.phone)
    .bind(h.address)
    .bind(h.area)
    .bind(h.group)
    .bind(user)
    .fetch_one(&mut **tx)
    .await
}

async fn assign(
    tx: &mut Transaction<'_, Postgres>,
    customer: i64,
    group: &str,
    (manager, tier): (i64, &str),
    by: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "insert into manager_assignments (customer_id, customer_group, manager_id, manager_tier, assigned_by)
         values ($1, $2, $3, $4, $5)",
    )
    .bind(customer)
    .bind(group)
    .bind(manager)
    .bind(tier)
    .bind(by)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Managers who joined for the grids (not in the households' round robin): (employee number,
/// name, tier, grade).
const GRID_MANAGERS: &[(&str, &str, &str, &str)] = &[
    ("M1011", "吴晓光", "community", "second"),
    ("M1012", "郑佳", "community", "second"),
    ("M1013", "冯建军", "area", "second"),
    ("M1014", "韩冰", "member", "first"),
    ("M1015", "曹宇", "member", "first"),
];

/// Households of the development zone, all with one of its two managers so far.
pub const ZONE_HOUSEHOLDS: std::ops::RangeInclusive<usize> = 60..=71;

/// (grid, tier, areas or companies, managers)
type DemoGrid = (&'static str, &'static str, &'static [&'static str], &'static [&'static str]);
const GRIDS: &[DemoGrid] = &[
    ("医疗卫生网格", "member", &["建平县人民医院"], &["M1001"]),
    ("工业网格", "member", &["建平宏达水泥有限公司", "建平鑫源钢铁有限公司"], &["M1002", "M1014"]),
    ("公共事业网格", "member", &["建平县自来水公司"], &["M1015"]),
    ("城北网格", "community", &["YBS-N"], &["M1003", "M1005"]),
    ("城南网格", "community", &["YBS-S"], &["M1004", "M1006"]),
    ("开发区网格", "community", &["KFQ"], &["M1011", "M1012"]),
    ("黑水网格", "area", &["HS"], &["M1007", "M1013"]),
    ("沙海青峰山网格", "area", &["SH", "QFS"], &["M1008", "M1009"]),
    ("朱碌科网格", "area", &["ZLK"], &["M1010"]),
];

/// Grids for every tier, each with a visible imbalance the balancing proposal fixes: the
/// development zone's twelve households all with one of its two managers, Heishui's six with
/// one of two, the industrial grid's two companies with one of two members. Contracted
/// capacity on large sites (the hospital's main building a major site, for a senior), two
/// key households, and managers who joined for the new grids.
async fn demo_grids(tx: &mut Transaction<'_, Postgres>, hash: &str) -> Result<(), sqlx::Error> {
    let supervisor = id(tx, "select id from users where employee_no = $1", &[SUPERVISOR]).await?;
    for (i, (employee_no, name, tier, grade)) in GRID_MANAGERS.iter().enumerate() {
        add_manager(tx, (employee_no, name, tier, grade), MANAGERS.len() + i + 1, supervisor, hash).await?;
    }
    sqlx::query(
        "update customers c set contracted_kva = v.kva from (values
             ('建平县人民医院 门诊楼', 12000), ('建平县人民医院 住院部', 2500), ('建平县人民医院 开发区分院', 1250),
             ('宏达水泥 一号厂区', 8000), ('宏达水泥 二号厂区', 6300), ('宏达水泥 石灰石矿', 800), ('宏达水泥 办公楼', 200))
             as v(name, kva) where c.name = v.name",
    )
    .execute(&mut **tx)
    .await?;
    let (_, first) = household(1);
    let (_, third) = household(3);
    sqlx::query("update customers set key_customer = true where account_no in ($1, $2)")
        .bind(first)
        .bind(third)
        .execute(&mut **tx)
        .await?;
    let zone = id(tx, "select id from service_areas where code = $1", &["KFQ"]).await?;
    let manager = "select m.id from managers m join users u on u.id = m.user_id where u.employee_no = $1";
    let (m1011, m1002, m1015) =
        (id(tx, manager, &["M1011"]).await?, id(tx, manager, &["M1002"]).await?, id(tx, manager, &["M1015"]).await?);
    for n in ZONE_HOUSEHOLDS {
        let (phone, account_no) = household(n);
        let name = format!("{}{}", SURNAMES[n % SURNAMES.len()], GIVEN[(n * 5) % GIVEN.len()]);
        let address = format!("建平经济开发区兴业大街{}号", 100 + n);
        let home =
            Home { name: &name, phone: &phone, account_no: &account_no, address: &address, area: zone, group: "urban" };
        let customer = add_household(tx, home, hash).await?;
        assign(tx, customer, "urban", (m1011, "community"), supervisor).await?;
    }
    let sites: &[(&str, &str, &str, i32, i64)] = &[
        ("建平鑫源钢铁有限公司", "鑫源钢铁 炼钢车间", "建平经济开发区钢城路2号", 6300, m1002),
        ("建平鑫源钢铁有限公司", "鑫源钢铁 轧钢车间", "建平经济开发区钢城路8号", 3150, m1002),
        ("建平县自来水公司", "自来水公司 第一水厂", "叶柏寿街道河滨路3号", 630, m1015),
    ];
    for (i, (company, site, address, kva, manager)) in sites.iter().enumerate() {
        let company_id: i64 = sqlx::query_scalar(
            "insert into companies (name) values ($1) on conflict (name) do update set name = excluded.name returning id",
        )
        .bind(company)
        .fetch_one(&mut **tx)
        .await?;
        let customer: i64 = sqlx::query_scalar(
            "insert into customers (account_no, name, phone, address, area_id, customer_group, company_id, contracted_kva)
             values ($1, $2, $3, $4, $5, 'large', $6, $7) returning id",
        )
        .bind(format!("31000{:05}", 90_101 + i))
        .bind(site)
        .bind("13900000009")
        .bind(address)
        .bind(zone)
        .bind(company_id)
        .bind(kva)
        .fetch_one(&mut **tx)
        .await?;
        assign(tx, customer, "large", (*manager, "member"), supervisor).await?;
    }
    for (name, tier, places, managers) in GRIDS {
        let grid: i64 = sqlx::query_scalar("insert into grids (tier, name) values ($1, $2) returning id")
            .bind(tier)
            .bind(name)
            .fetch_one(&mut **tx)
            .await?;
        sqlx::query("insert into grid_events (grid_id, kind, detail, by_user) values ($1, 'created', $2, $3)")
            .bind(grid)
            .bind(name)
            .bind(supervisor)
            .execute(&mut **tx)
            .await?;
        sqlx::query(
            "insert into grid_coverage (grid_id, tier, area_id, company_id)
             select $1, $2, a.id, null from service_areas a where $2 <> 'member' and a.code = any($3)
             union all
             select $1, $2, null, c.id from companies c where $2 = 'member' and c.name = any($3)",
        )
        .bind(grid)
        .bind(tier)
        .bind(places)
        .execute(&mut **tx)
        .await?;
        sqlx::query(
            "insert into grid_managers (grid_id, tier, manager_id)
             select $1, $2, m.id from managers m join users u on u.id = m.user_id where u.employee_no = any($3)",
        )
        .bind(grid)
        .bind(tier)
        .bind(managers)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// The demo sign-ins, as `make run` prints them.
pub fn sign_in_sheet(addr: &str) -> String {
    let (phone, account) = household(1);
    let (township_phone, _) = household(URBAN_HOUSEHOLDS + 1);
    format!(
        "\nPortal: http://{addr}   (every demo password: {PASSWORD})\n\
         Household (urban)      phone {phone}  or account {account}\n\
         Household (township)   phone {township_phone}\n\
         Large-customer contact phone 13900000001 (county hospital), 13900000003 (cement works)\n\
         Customer manager       M1003 (community), M1001 (member), M1007 (area)\n\
         Department staff       D2001 (billing), D2004 (metering), D2003 (connection)\n\
         Supervisor             {SUPERVISOR}, {REVIEWER} (reviews complaints)\n"
    )
}
