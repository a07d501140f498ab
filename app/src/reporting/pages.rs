//! Reporting's pages: the supervisors' scorecards with the ratings chart and the evaluation
//! form, and a manager's own record.
use super::{
    api::{cases_behind, my_record, period_query, scorecards, FigureList, OwnRecord, RecordEvaluation, ScorecardTable},
    scorecard::{grade_conditions, Column, Figure, FigureCase, Outcome, Period, PeriodKind, ScoreRow},
};
use crate::{
    domain::case_ref::{display_number, CaseNo},
    i18n::{fill, use_texts, Texts},
    managers::model::{Grade, Tier},
    time::local_datetime,
    ui::{
        chart::{bar_chart, line_chart, ChartWords, Series},
        choice_group, successes, text_area, Field, FormMessage, Forms, Loaded,
    },
};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// A figure, or a dash where too little lies behind it (the page says what the dash means).
fn shown(value: Option<String>) -> String {
    value.unwrap_or_else(|| "—".to_owned())
}

fn average(value: Option<f64>) -> String {
    shown(value.map(|v| format!("{v:.1}")))
}

/// The figures of a line, in the columns' order (after the name).
fn cells(r: &ScoreRow, t: &'static Texts) -> Vec<String> {
    let rec = &r.record;
    vec![
        rec.ratings.to_string(),
        average(rec.overall),
        average(rec.speed),
        average(rec.attitude),
        average(rec.professionalism),
        shown(rec.within_commitment.map(|s| format!("{:.0}%", s * 100.0))),
        shown(rec.median_reply_minutes.map(|m| fill(t.record_minutes, &[("minutes", &m.to_string())]))),
        r.complaints.to_string(),
        rec.complaints_upheld.to_string(),
        r.open_cases.to_string(),
        r.late_cases.to_string(),
        r.work_orders_overdue.to_string(),
        format!("{}/{}", r.follow_ups_closed, r.follow_ups),
    ]
}

/// Every column a supervisor sees, in order; the same for the table and the CSV.
pub const COLUMNS: &[Column] = &[
    Column::Name,
    Column::Ratings,
    Column::Overall,
    Column::Speed,
    Column::Attitude,
    Column::Professionalism,
    Column::WithinCommitment,
    Column::FirstReply,
    Column::Complaints,
    Column::Upheld,
    Column::Open,
    Column::Late,
    Column::WorkOrdersOverdue,
    Column::FollowUps,
];

/// The scorecard as CSV rows: the columns' words, then each line (with its grade and
/// evaluation), the same figures the page shows.
pub fn csv_table(rows: &[ScoreRow], t: &'static Texts) -> (Vec<&'static str>, Vec<Vec<String>>) {
    let mut header: Vec<&'static str> = vec![t.scorecard_employee_no];
    header.extend(COLUMNS.iter().map(|c| c.label(t)));
    header.extend([t.scorecard_grade, t.scorecard_evaluation]);
    let lines = rows
        .iter()
        .map(|r| {
            let mut line = vec![r.employee_no.clone(), r.name.clone()];
            line.extend(cells(r, t));
            line.push(r.grade.label(t).to_owned());
            line.push(r.evaluation.map(|o| o.label(t).to_owned()).unwrap_or_default());
            line
        })
        .collect();
    (header, lines)
}

/// The choice of a period of one kind, for a plain GET form (works without JavaScript).
pub fn period_select(periods: &[Period], period: Period, t: &'static Texts) -> impl IntoView {
    view! {
        <div class="field">
            <label for="field-start">{t.scorecard_period}</label>
            <select id="field-start" name="start">
                {periods.iter().map(|p| view! { <option value=p.start.to_string() selected=*p == period>{p.name()}</option> }).collect_view()}
            </select>
        </div>
    }
}

pub fn period_name(p: Period, t: &'static Texts) -> String {
    format!("{} · {}", p.kind.label(t), p.name())
}

/// The choice of a tier and a period as a plain GET form to `action` (works without
/// JavaScript); `keep` are hidden fields the address carries on (a scorecard's sort).
pub fn tier_period_filters(
    action: &'static str,
    tier: Tier,
    period: Period,
    periods: &[Period],
    keep: Vec<(&'static str, String)>,
    t: &'static Texts,
) -> impl IntoView {
    view! {
        <form method="get" action=action class="card form filters scorecard-filters">
            <div class="field">
                <label for="field-tier">{t.scorecard_tier}</label>
                <select id="field-tier" name="tier">
                    {Tier::ALL.iter().map(|x| view! { <option value=x.as_str() selected=*x == tier>{x.label(t)}</option> }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="field-period">{t.scorecard_period_kind}</label>
                <select id="field-period" name="period">
                    {PeriodKind::ALL.iter().map(|k| view! { <option value=k.as_str() selected=*k == period.kind>{k.label(t)}</option> }).collect_view()}
                </select>
            </div>
            {period_select(periods, period, t)}
            {keep.into_iter().map(|(name, value)| view! { <input type="hidden" name=name value=value/> }).collect_view()}
            <button type="submit" class="button">{t.scorecard_show}</button>
        </form>
    }
}

/// `/supervisor/scorecards`: managers of one tier side by side for a period, sorted by any
/// column; the tier's ratings by month; the evaluation form.
#[component]
pub fn ScorecardsPage() -> impl IntoView {
    let t = use_texts();
    let query = use_query_map();
    let evaluate = ServerAction::<RecordEvaluation>::new();
    let recorded = successes(evaluate);
    let args = move || {
        query.with(|q| ["tier", "period", "start", "sort", "order"].map(|k| q.get(k).map(crate::domain::Text::from)))
    };
    let data = Resource::new(
        move || (args(), recorded.get()),
        |([tier, period, start, sort, order], _)| scorecards(tier, period, start, sort, order),
    );
    let forms = Forms::new(evaluate);
    view! {
        <h1>{t.scorecards_title}</h1>
        <Loaded resource=data transition=true let:cards>
            <ScorecardsView cards forms/>
        </Loaded>
    }
}

#[component]
fn ScorecardsView(cards: ScorecardTable, forms: Forms<RecordEvaluation>) -> impl IntoView {
    let t = use_texts();
    let ScorecardTable {
        tier,
        period,
        periods,
        sort,
        descending,
        rows,
        months,
        chart,
        within_commitment,
        complaints_by_category,
    } = cards;
    let order = if descending { "desc" } else { "asc" };
    let sorted_by = vec![("sort", sort.as_str().to_owned()), ("order", order.to_owned())];
    let base = format!("tier={}&{}", tier.as_str(), period_query(period));
    let behind = {
        let base = base.clone();
        move |no: &str, f: Figure| format!("/supervisor/scorecards/cases?manager={no}&figure={}&{base}", f.as_str())
    };
    let categories_title = fill(t.scorecard_categories_title, &[("tier", tier.label(t)), ("period", &period.name())]);
    let (labels, received, upheld) = complaints_by_category.into_iter().fold(
        (Vec::new(), Vec::new(), Vec::new()),
        |(mut l, mut r, mut u), (c, n, up)| {
            l.push(c.label(t).to_owned());
            r.push(Some(f64::from(n)));
            u.push(Some(f64::from(up)));
            (l, r, u)
        },
    );
    let categories = vec![
        Series { name: t.scorecard_complaints.to_owned(), values: received },
        Series { name: t.record_complaints_upheld.to_owned(), values: upheld },
    ];
    let csv = format!("/supervisor/scorecards.csv?{base}&sort={}&order={order}", sort.as_str());
    let header_link = {
        let base = base.clone();
        move |c: Column| {
            let order = if c == sort && descending { "asc" } else { "desc" };
            format!("/supervisor/scorecards?{base}&sort={}&order={order}", c.as_str())
        }
    };
    let names = [t.record_overall, t.rate_speed, t.rate_attitude, t.rate_professionalism];
    let series =
        names.iter().zip(chart).map(|(name, values)| Series { name: (*name).to_owned(), values }).collect::<Vec<_>>();
    let chart_title = fill(t.scorecard_chart_title, &[("tier", tier.label(t))]);
    let within_title = fill(t.scorecard_within_chart_title, &[("tier", tier.label(t))]);
    let within = vec![Series { name: t.record_within_commitment.to_owned(), values: within_commitment }];
    let within_months = months.clone();
    let managers: Vec<(String, String)> = rows.iter().map(|r| (r.employee_no.clone(), r.name.clone())).collect();
    view! {
        {tier_period_filters("/supervisor/scorecards", tier, period, &periods, sorted_by, t)}
        <p>
            <strong>{period_name(period, t)}</strong>" · "{tier.label(t)}" · "
            <a href=csv class="csv" download="scorecards.csv">{t.scorecard_csv}</a>" · "
            <a href=format!("/supervisor/satisfaction?{base}")>{t.scorecard_satisfaction}</a>
        </p>
        <p class="hint">{t.scorecard_dash}</p>
        <div class="table-scroll">
            <table class="figures scorecard">
                <thead>
                    <tr>
                        {COLUMNS.iter().map(|c| {
                            let sorted = (*c == sort).then_some(if descending { "descending" } else { "ascending" });
                            view! { <th scope="col" aria-sort=sorted><a href=header_link(*c)>{c.label(t)}</a></th> }
                        }).collect_view()}
                        <th scope="col">{t.scorecard_evaluation}</th>
                    </tr>
                </thead>
                <tbody>
                    {rows.iter().map(|r| view! {
                        <tr data-manager=r.employee_no.clone()>
                            <th scope="row">{r.name.clone()}<br/><span class="muted">{format!("{} · {}", r.employee_no, r.grade.label(t))}</span></th>
                            {COLUMNS[1..].iter().zip(cells(r, t)).map(|(c, v)| match c.figure() {
                                Some(f) => view! { <td><a href=behind(&r.employee_no, f)>{v}</a></td> }.into_any(),
                                None => view! { <td>{v}</td> }.into_any(),
                            }).collect_view()}
                            <td class="evaluation">{r.evaluation.map(|o| o.label(t))}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <section class="card">
            <h2>{chart_title.clone()}</h2>
            {line_chart(chart_title, months, series, (1.0, 5.0), ChartWords { labels: t.chart_month, empty: "—" })}
        </section>
        <section class="card">
            <h2>{within_title.clone()}</h2>
            {line_chart(within_title, within_months, within, (0.0, 100.0), ChartWords { labels: t.chart_month, empty: "—" })}
        </section>
        <section class="card">
            <h2>{categories_title.clone()}</h2>
            {bar_chart(categories_title, labels, categories, ChartWords { labels: t.complaint_category, empty: "—" })}
        </section>
        <EvaluateForm managers period forms/>
    }
}

/// What one case adds to the figure it stands behind, in words.
fn contribution(case: &FigureCase, figure: Figure, t: &'static Texts) -> String {
    let score = |name: &str, v: Option<i16>| v.map(|v| format!("{name} {v}"));
    match figure {
        Figure::Ratings => [
            score(t.record_overall, case.overall),
            score(t.rate_speed, case.speed),
            score(t.rate_attitude, case.attitude),
            score(t.rate_professionalism, case.professionalism),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" · "),
        Figure::Repairs => (if case.within == Some(true) { t.figure_within } else { t.figure_not_within }).to_owned(),
        Figure::Replies => case
            .reply_seconds
            .map(|s| fill(t.record_minutes, &[("minutes", &((s / 60.0).round() as i64).to_string())]))
            .unwrap_or_default(),
        Figure::Complaints | Figure::Upheld => {
            let category = case.category.map(|c| c.label(t)).unwrap_or_default();
            match case.finding {
                Some(f) => format!("{category} · {}", f.label(t)),
                None => format!("{category} · {}", t.figure_no_finding),
            }
        }
        Figure::Open | Figure::Late | Figure::WorkOrdersOverdue => case
            .due_at
            .map(|at| fill(t.figure_due, &[("at", &local_datetime(at))]))
            .unwrap_or_else(|| t.figure_nothing_due.to_owned()),
        Figure::FollowUps => {
            (if case.closed == Some(true) { t.figure_follow_up_done } else { t.figure_follow_up_open }).to_owned()
        }
    }
}

/// `/supervisor/scorecards/cases`: the cases behind one figure of a manager's scorecard line,
/// each linking to its page.
#[component]
pub fn FigureCasesPage() -> impl IntoView {
    let query = use_query_map();
    let args = move || {
        query
            .with(|q| ["manager", "figure", "tier", "period", "start"].map(|k| q.get(k).map(crate::domain::Text::from)))
    };
    let data = Resource::new(args, |[manager, figure, tier, period, start]| {
        cases_behind(manager.unwrap_or_default(), figure.unwrap_or_default(), tier, period, start)
    });
    view! {
        <Loaded resource=data let:list>
            <FigureCasesView list/>
        </Loaded>
    }
}

#[component]
fn FigureCasesView(list: FigureList) -> impl IntoView {
    let t = use_texts();
    let FigureList { employee_no, name, tier, figure, period, cases, cut } = list;
    let back = format!("/supervisor/scorecards?tier={}&{}", tier.as_str(), period_query(period));
    let when = if figure.in_period() { period_name(period, t) } else { t.figure_now.to_owned() };
    view! {
        <h1>{fill(t.figure_title, &[("figure", figure.column().label(t)), ("manager", &name)])}</h1>
        <p>{format!("{employee_no} · {when}")}" · "<a href=back>{t.figure_back}</a></p>
        {cases.is_empty().then(|| view! { <p class="empty">{t.figure_none}</p> })}
        {cut.then(|| view! { <p class="hint">{fill(t.figure_cut, &[("count", &super::scorecard::CASES_LISTED.to_string())])}</p> })}
        <ul class="work-list figure-cases">
            {cases.into_iter().map(|c| {
                let page = CaseNo::parse(&c.number).map(|n| c.kind.page(&n)).unwrap_or_default();
                let detail = contribution(&c, figure, t);
                view! {
                    <li class="card">
                        <p><a href=page>{display_number(&c.number)}</a>" · "{c.kind.label(t)}</p>
                        <p class="muted">{local_datetime(c.opened_at)}</p>
                        <p>{detail}</p>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}

/// The supervisor's evaluation of one manager for the period shown.
#[component]
fn EvaluateForm(managers: Vec<(String, String)>, period: Period, forms: Forms<RecordEvaluation>) -> impl IntoView {
    let t = use_texts();
    let form = forms.one();
    let outcomes = Outcome::ALL.iter().map(|o| (o.as_str(), o.label(t))).collect();
    let outcome = choice_group("outcome", t.evaluation_outcome, outcomes, form.typed("outcome"), form.field("outcome"));
    let note = text_area(
        "field-note".into(),
        "note",
        t.evaluation_note,
        super::scorecard::NOTE_MAX,
        form.typed("note"),
        form.field("note"),
    );
    let (training, training_error) = (form.typed("training"), form.field("training"));
    let (sending, error, done) = (form.sending(), form.error, form.done);
    view! {
        <ActionForm action=forms.action() attr:class="form card evaluate" attr:novalidate=true on:submit=sending>
            <h2>{fill(t.evaluation_title, &[("period", &period.name())])}</h2>
            <input type="hidden" name="period" value=period.kind.as_str()/>
            <input type="hidden" name="start" value=period.start.to_string()/>
            <div class="field">
                <label for="field-employee_no">{t.scorecard_manager}</label>
                <select id="field-employee_no" name="employee_no">
                    {managers.into_iter().map(|(no, name)| view! { <option value=no.clone()>{format!("{name} · {no}")}</option> }).collect_view()}
                </select>
            </div>
            {outcome}
            {note}
            <Field label=t.evaluation_training name="training" hint=t.evaluation_training_hint value=training error=training_error/>
            <details>
                <summary>{t.evaluation_grades}</summary>
                <dl>
                    {[Grade::Senior, Grade::First, Grade::Second, Grade::Trainee].into_iter().map(|g| view! {
                        <dt>{g.label(t)}</dt><dd>{grade_conditions(g, t)}</dd>
                    }).collect_view()}
                </dl>
            </details>
            <FormMessage error done confirm=t.evaluation_recorded/>
            <button type="submit" class="button primary">{t.evaluation_record}</button>
        </ActionForm>
    }
}

/// `/my-record`: the manager's own scorecard for a period (never another's) and the
/// evaluations recorded for them.
#[component]
pub fn MyRecordPage() -> impl IntoView {
    let t = use_texts();
    let query = use_query_map();
    let args = move || query.with(|q| (q.get("period"), q.get("start")));
    let data = Resource::new(args, |(period, start)| my_record(period.map(Into::into), start.map(Into::into)));
    view! {
        <h1>{t.my_record_title}</h1>
        <Loaded resource=data let:own>
            <OwnRecordView own/>
        </Loaded>
    }
}

#[component]
fn OwnRecordView(own: OwnRecord) -> impl IntoView {
    let t = use_texts();
    let OwnRecord { period, periods, row, evaluations } = own;
    view! {
        <form method="get" action="/my-record" class="card form filters">
            <input type="hidden" name="period" value=period.kind.as_str()/>
            {period_select(&periods, period, t)}
            <button type="submit" class="button">{t.scorecard_show}</button>
        </form>
        {row.map(|r| {
            let figures = cells(&r, t);
            view! {
                <section class="card own-record">
                    <h2>{period_name(period, t)}</h2>
                    <dl class="facts">
                        {COLUMNS[1..].iter().zip(figures).map(|(c, v)| view! { <dt>{c.label(t)}</dt><dd>{v}</dd> }).collect_view()}
                    </dl>
                    <p class="hint">{t.scorecard_dash}</p>
                </section>
            }
        })}
        <section class="card">
            <h2>{t.evaluation_history}</h2>
            {evaluations.is_empty().then(|| view! { <p class="empty">{t.evaluation_none}</p> })}
            <ul class="evaluations">
                {evaluations.into_iter().map(|e| view! {
                    <li>
                        <p><strong>{period_name(e.period, t)}</strong>" · "<span class="badge">{e.outcome.label(t)}</span></p>
                        <p class="message-body">{e.note}</p>
                        {e.training.map(|x| view! { <p>{t.evaluation_training}": "{x}</p> })}
                        <p class="muted">{format!("{} · {}", e.recorded_by, local_datetime(e.recorded_at))}</p>
                    </li>
                }).collect_view()}
            </ul>
        </section>
    }
}
