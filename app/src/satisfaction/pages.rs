//! The satisfaction cycle's page: a tier's results by dimension for a period, the tier and
//! its areas, the weakest dimension flagged; the improvement actions with the next period's
//! figure beside each; and the form to record one.
use super::{
    api::{satisfaction, ActionView, CompleteImprovement, RecordImprovement, SatisfactionCycle, ScopeResults},
    model::{Dimension, ACTION_MAX, OWNER_MAX, TARGET_AVERAGE},
};
use crate::{
    i18n::{fill, use_locale, use_texts, Texts},
    managers::model::Tier,
    reporting::pages::{period_name, tier_period_filters},
    time::local_datetime,
    ui::{choice_group, successes, text_area, Field, FormMessage, Forms, Loaded},
};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

fn average(v: Option<f64>) -> String {
    v.map_or_else(|| "—".to_owned(), |v| format!("{v:.2}"))
}

/// `/supervisor/satisfaction`
#[component]
pub fn SatisfactionPage() -> impl IntoView {
    let t = use_texts();
    let query = use_query_map();
    let record = ServerAction::<RecordImprovement>::new();
    let complete = ServerAction::<CompleteImprovement>::new();
    let (recorded, completed) = (successes(record), successes(complete));
    let args = move || query.with(|q| ["tier", "period", "start"].map(|k| q.get(k).map(crate::domain::Text::from)));
    let data = Resource::new(
        move || (args(), recorded.get(), completed.get()),
        |([tier, period, start], _, _)| satisfaction(tier, period, start),
    );
    let (record, complete) = (Forms::new(record), Forms::new(complete));
    view! {
        <h1>{t.satisfaction_title}</h1>
        <p class="hint">{fill(t.satisfaction_intro, &[("target", &format!("{TARGET_AVERAGE:.1}"))])}</p>
        <Loaded resource=data transition=true let:cycle>
            <CycleView cycle record complete/>
        </Loaded>
    }
}

fn scope_name(area: Option<&crate::i18n::Localized>, tier: Tier, t: &'static Texts) -> String {
    let locale = use_locale();
    area.map_or_else(|| fill(t.satisfaction_whole_tier, &[("tier", tier.label(t))]), |a| a.get(locale).to_owned())
}

#[component]
fn CycleView(
    cycle: SatisfactionCycle,
    record: Forms<RecordImprovement>,
    complete: Forms<CompleteImprovement>,
) -> impl IntoView {
    let t = use_texts();
    let SatisfactionCycle { tier, period, periods, next_begun, scopes, actions, today, submission_key } = cycle;
    let filters = tier_period_filters("/supervisor/satisfaction", tier, period, &periods, Vec::new(), t);
    let choices: Vec<(Option<i64>, String)> =
        scopes.iter().map(|s| (s.area_id, scope_name(s.area.as_ref(), tier, t))).collect();
    let weakest = scopes.first().and_then(|s| s.results.weakest());
    let results_title = fill(t.satisfaction_results, &[("period", &period_name(period, t))]);
    view! {
        {filters}
        <section class="card satisfaction">
            <h2>{results_title.clone()}</h2>
            // Wider than a phone: the region scrolls, so it takes the keyboard's focus too.
            <div class="table-scroll" tabindex="0" role="region" aria-label=results_title>
                <table class="figures">
                    <thead>
                        <tr>
                            <th scope="col">{t.satisfaction_scope}</th>
                            <th scope="col">{t.scorecard_ratings}</th>
                            {Dimension::ALL.iter().map(|d| view! { <th scope="col">{d.label(t)}</th> }).collect_view()}
                            <th scope="col">{t.satisfaction_weakest}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {scopes.iter().map(|s| results_row(s, tier, t)).collect_view()}
                    </tbody>
                </table>
            </div>
            <p class="hint">{t.scorecard_dash}</p>
        </section>
        <section class="card">
            <h2>{t.satisfaction_actions}</h2>
            {actions.is_empty().then(|| view! { <p class="empty">{t.satisfaction_no_actions}</p> })}
            <ul class="work-list improvement-actions">
                {actions.into_iter().map(|a| action_item(a, tier, next_begun, complete, t)).collect_view()}
            </ul>
        </section>
        <RecordForm tier period choices weakest today submission_key forms=record/>
    }
}

fn results_row(s: &ScopeResults, tier: Tier, t: &'static Texts) -> impl IntoView {
    let r = s.results;
    let weakest = r.weakest();
    let flag = weakest.map(|d| {
        let needs = r.needs_action().then_some(t.satisfaction_needs_action);
        view! { {d.label(t)}{needs.map(|n| view! { " · "<span class="badge urgent">{n}</span> })} }
    });
    view! {
        <tr data-area=s.area_id.map(|a| a.to_string()).unwrap_or_default()>
            <th scope="row">{scope_name(s.area.as_ref(), tier, t)}</th>
            <td>{r.ratings}</td>
            {Dimension::ALL.iter().map(|d| view! {
                <td class:weakest=weakest == Some(*d)>{average(r.average(*d))}</td>
            }).collect_view()}
            <td>{flag}</td>
        </tr>
    }
}

fn action_item(
    a: ActionView,
    tier: Tier,
    next_begun: bool,
    complete: Forms<CompleteImprovement>,
    t: &'static Texts,
) -> impl IntoView {
    let after = if next_begun { average(a.after) } else { t.action_next_not_begun.to_owned() };
    let done = a.state == super::model::ActionState::Done;
    let form = complete.of("id", a.id);
    let (sending, error) = (form.sending(), form.error);
    let state_class = format!("badge action-{}", a.state.as_str());
    view! {
        <li class="card improvement" data-action=a.id.to_string()>
            <p>
                <strong>{scope_name(a.area.as_ref(), tier, t)}" · "{a.dimension.label(t)}</strong>" "
                <span class=state_class>{a.state.label(t)}</span>
            </p>
            <p class="message-body">{a.action}</p>
            <p>{t.action_owner}": "{a.owner}" · "{t.action_due}": "{a.due_on.to_string()}</p>
            <p class="before-after">
                {t.action_then}": "{average(a.before)}" → "{t.action_next}": "{after}
            </p>
            <p class="muted">{fill(t.action_recorded_by, &[("name", &a.recorded_by), ("at", &local_datetime(a.recorded_at))])}</p>
            {(!done).then(|| view! {
                <ActionForm action=complete.action() attr:class="form inline" on:submit=sending>
                    <input type="hidden" name="id" value=a.id.to_string()/>
                    <FormMessage error/>
                    <button type="submit" class="button">{t.action_mark_done}</button>
                </ActionForm>
            })}
        </li>
    }
}

/// Records an improvement action for the period shown: for the whole tier or one area, against
/// a dimension (the tier's weakest unless another is chosen).
#[component]
fn RecordForm(
    tier: Tier,
    period: crate::reporting::scorecard::Period,
    choices: Vec<(Option<i64>, String)>,
    weakest: Option<Dimension>,
    today: chrono::NaiveDate,
    submission_key: String,
    forms: Forms<RecordImprovement>,
) -> impl IntoView {
    let t = use_texts();
    let form = forms.one();
    let dimensions = Dimension::ALL.iter().map(|d| (d.as_str(), d.label(t))).collect();
    let checked = form.typed("dimension").or_else(|| weakest.map(|d| d.as_str().to_owned()));
    let dimension = choice_group("dimension", t.action_dimension, dimensions, checked, form.field("dimension"));
    let what = text_area(
        "field-action".into(),
        "action",
        t.action_what,
        ACTION_MAX,
        form.typed("action"),
        form.field("action"),
    );
    let (owner, owner_error) = (form.typed("owner"), form.field("owner"));
    let due = form.typed("due_on").unwrap_or_else(|| (today + chrono::Days::new(30)).to_string());
    let due_error = form.field("due_on");
    let typed_area = form.typed("area");
    let area_error = form.field("area");
    let (sending, error, done) = (form.sending(), form.error, form.done);
    view! {
        <ActionForm action=forms.action() attr:class="form card record-improvement" attr:novalidate=true on:submit=sending>
            <h2>{t.action_title}</h2>
            <input type="hidden" name="tier" value=tier.as_str()/>
            <input type="hidden" name="period" value=period.kind.as_str()/>
            <input type="hidden" name="start" value=period.start.to_string()/>
            <input type="hidden" name="submission_key" value=submission_key/>
            <div class="field" class:invalid=move || area_error.with(Option::is_some)>
                <label for="field-area">{t.action_area}</label>
                <select id="field-area" name="area" aria-describedby="field-area-error">
                    {choices.into_iter().map(|(id, name)| {
                        let value = id.map(|i| i.to_string()).unwrap_or_default();
                        let selected = typed_area.as_deref() == Some(value.as_str());
                        view! { <option value=value selected=selected>{name}</option> }
                    }).collect_view()}
                </select>
                {move || area_error.get().map(|m| view! { <p class="field-error" id="field-area-error">{m}</p> })}
            </div>
            {dimension}
            {what}
            <Field label=t.action_owner name="owner" maxlength=OWNER_MAX value=owner error=owner_error/>
            <Field label=t.action_due name="due_on" kind="date" hint=t.action_due_hint value=due error=due_error/>
            <FormMessage error done confirm=t.action_recorded/>
            <button type="submit" class="button primary">{t.action_record}</button>
        </ActionForm>
    }
}
