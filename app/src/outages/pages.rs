//! The public look-up, an outage's page, a customer's outages, publishing, the banner and the
//! storm panel.
use super::{
    api::{
        my_outages, outage, public_outages, publish_form, storms, FollowOutage, LinkStorm, MoveOutage, OutageDetail,
        OutageView, PublishOutage, RescheduleOutage, SetOutageEstimate, StormView,
    },
    model::{OutageKind, OutageStatus, LATE_NOTICE_REASON_MAX, NOTE_MAX, REASON_MAX},
};
use crate::{
    error::AppError,
    i18n::{fill, use_locale, use_texts, Texts},
    time::{local_datetime, local_input_value},
    ui::{self, field_message, successes, DateTimeForm, Field, FormMessage, Forms, Loaded, SearchForm},
};
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

/// One outage as every list shows it.
#[component]
pub fn OutageCard(outage: OutageView) -> impl IntoView {
    let t = use_texts();
    let locale = use_locale();
    let areas = outage.areas.iter().map(|a| a.get(locale).to_owned()).collect::<Vec<_>>().join("、");
    let status = outage.status;
    view! {
        <li class=format!("card outage status-{}", status.as_str())>
            <a class="outage-title" href=format!("/outages/{}", outage.id)>{outage.reason.clone()}</a>
            <p>
                <span class=format!("badge status-{}", outage.status.as_str())>{outage.status.label(t)}</span>" "
                <span class="badge">{outage.kind.label(t)}</span>
                {outage.rescheduled.then(|| view! { " "<span class="badge">{t.outage_rescheduled}</span> })}
            </p>
            <p class="areas">{areas}</p>
            <OutageTimes outage=outage.clone()/>
        </li>
    }
}

#[component]
fn OutageTimes(outage: OutageView) -> impl IntoView {
    let t = use_texts();
    view! {
        <dl class="times">
            <dt>{t.outage_from}</dt><dd>{local_datetime(outage.starts_at)}</dd>
            <dt>{t.outage_until}</dt><dd>{local_datetime(outage.ends_at)}</dd>
            {outage.estimated_restoration.filter(|_| outage.status.is_live()).map(|at| view! {
                <dt>{t.estimated_restoration}</dt><dd class="estimate">{local_datetime(at)}</dd>
            })}
            {outage.restored_at.map(|at| view! { <dt>{t.outage_status_restored}</dt><dd>{local_datetime(at)}</dd> })}
        </dl>
    }
}

fn outage_list(outages: Vec<OutageView>, empty: &'static str) -> impl IntoView {
    if outages.is_empty() {
        return view! { <p class="empty">{empty}</p> }.into_any();
    }
    view! { <ul class="outages">{outages.into_iter().map(|outage| view! { <OutageCard outage/> }).collect_view()}</ul> }
        .into_any()
}

/// `/outages`: anyone, signed in or not, looks up outages by area or by a street or village
/// name. A plain GET form and a server-rendered answer: the page to send everyone to in a storm.
#[component]
pub fn PublicOutagesPage() -> impl IntoView {
    let t = use_texts();
    let locale = use_locale();
    let query = use_query_map();
    let args = move || query.with(|q| (q.get("area"), q.get("q")));
    let lookup = Resource::new(args, |(area, q)| public_outages(area.map(Into::into), q.map(Into::into)));
    let (area, q) = query.with_untracked(|q| (q.get("area").unwrap_or_default(), q.get("q").unwrap_or_default()));
    view! {
        <h1>{t.outages_lookup}</h1>
        <Loaded resource=lookup let:found>
            <SearchForm action="/outages" class="outage-search" id="outage-q" name="q"
                label=t.outages_search_label placeholder=t.outages_search_placeholder value=q.clone()/>
            <form method="get" action="/outages" class="search outage-area">
                <label for="outage-area">{t.outages_area_label}</label>
                <div class="search-row">
                    <select id="outage-area" name="area">
                        <option value="">{t.outages_choose_area}</option>
                        {found.areas.iter().map(|a| view! {
                            <option value=a.code.clone() selected=a.code == area>{a.name.get(locale).to_owned()}</option>
                        }).collect_view()}
                    </select>
                    <button type="submit" class="button">{t.show}</button>
                </div>
            </form>
            {found.searched.then(|| view! {
                <section class="lookup-result" aria-live="polite">
                    {if found.matched.is_empty() {
                        view! { <p class="empty">{t.outages_no_match}</p> }.into_any()
                    } else {
                        view! {
                            <p class="matched">
                                {t.outages_matched}" "
                                {found.matched.iter().map(|a| match &a.place {
                                    Some(place) => format!("{place}（{}）", a.name.get(locale)),
                                    None => a.name.get(locale).to_owned(),
                                }).collect::<Vec<_>>().join("、")}
                            </p>
                            {outage_list(found.outages, t.outages_none_now)}
                        }.into_any()
                    }}
                </section>
            })}
        </Loaded>
    }
}

/// `/outages/:id`: the public facts; staff who may manage it move it along; a customer may
/// follow one under way.
#[component]
pub fn OutagePage() -> impl IntoView {
    let params = use_params_map();
    let act = ServerAction::<MoveOutage>::new();
    let estimate = ServerAction::<SetOutageEstimate>::new();
    let reschedule = ServerAction::<RescheduleOutage>::new();
    let follow = ServerAction::<FollowOutage>::new();
    let changed = [successes(act), successes(estimate), successes(reschedule), successes(follow)];
    let detail = Resource::new(
        move || (params.with(|p| p.get("id").unwrap_or_default()), changed.iter().map(|m| m.get()).sum::<usize>()),
        |(id, _)| outage(id.into()),
    );
    view! {
        <Loaded resource=detail let:detail>
            <OutageDetailView detail act estimate reschedule follow/>
        </Loaded>
    }
}

#[component]
fn OutageDetailView(
    detail: OutageDetail,
    act: ServerAction<MoveOutage>,
    estimate: ServerAction<SetOutageEstimate>,
    reschedule: ServerAction<RescheduleOutage>,
    follow: ServerAction<FollowOutage>,
) -> impl IntoView {
    let t = use_texts();
    let locale = use_locale();
    let o = detail.outage.clone();
    let id = o.id.to_string();
    let acts = Forms::new(act).one();
    let followed = Forms::new(follow).one();
    let follow_form = detail.can_follow.then(|| {
        let id = id.clone();
        view! {
            <ActionForm action=follow attr:class="form">
                <input type="hidden" name="id" value=id/>
                <button type="submit" class="button primary">{t.outage_follow}</button>
            </ActionForm>
        }
    });
    let managed = (detail.outage.clone(), id.clone(), detail.actions.clone());
    let manage = detail.manageable.then(move || {
        let (o, id, actions) = managed;
        let buttons = actions
            .into_iter()
            .map(|a| {
                let id = id.clone();
                view! {
                    <ActionForm action=act attr:class="inline">
                        <input type="hidden" name="id" value=id/>
                        <input type="hidden" name="action" value=a.as_str()/>
                        <button type="submit" class=format!("button action-{}", a.as_str())>{a.label(t)}</button>
                    </ActionForm>
                }
            })
            .collect_view();
        let estimate_form = o.status.is_live().then(|| {
            view! {
                <DateTimeForm action=estimate record_name="id" record=id.clone() name="estimate" class="form estimate"
                    confirm=t.estimate_set
                    label=t.estimated_restoration submit=t.set_estimate current=o.estimated_restoration/>
            }
        });
        let reschedule_form = (o.status == OutageStatus::Scheduled && o.kind != OutageKind::Fault)
            .then(|| view! { <RescheduleForm id=id.clone() outage=o.clone() reschedule/> });
        view! {
            <section class="card manage">
                <div class="actions">{buttons}</div>
                <FormMessage error=acts.error done=acts.done confirm=t.outage_updated/>
                {estimate_form}
                {reschedule_form}
            </section>
        }
    });
    view! {
        <article class="card outage-detail">
            <h1>{o.reason.clone()}</h1>
            <p>
                <span class=format!("badge status-{}", o.status.as_str())>{o.status.label(t)}</span>" "
                <span class="badge">{o.kind.label(t)}</span>
            </p>
            <p class="areas">{o.areas.iter().map(|a| a.get(locale).to_owned()).collect::<Vec<_>>().join("、")}</p>
            <OutageTimes outage=o.clone()/>
            {(!o.public_note.is_empty()).then(|| view! { <p class="note">{o.public_note.clone()}</p> })}
            {detail.late_notice_reason.clone().map(|r| view! { <p class="muted">{fill(t.outage_late_notice, &[("reason", &r)])}</p> })}
        </article>
        {detail.following.then(|| view! { <p class="card following">{t.outage_following}</p> })}
        <FormMessage error=followed.error/>
        {follow_form}
        {manage}
    }
}

#[component]
fn RescheduleForm(id: String, outage: OutageView, reschedule: ServerAction<RescheduleOutage>) -> impl IntoView {
    let t = use_texts();
    let form = Forms::new(reschedule).one();
    let error = form.error;
    view! {
        <ActionForm action=reschedule attr:class="form reschedule" attr:novalidate=true>
            <input type="hidden" name="id" value=id/>
            <Field label=t.outage_from name="starts_at" kind="datetime-local"
                value=form.typed_or("starts_at", local_input_value(outage.starts_at)) error=form.field("starts_at")/>
            <Field label=t.outage_until name="ends_at" kind="datetime-local"
                value=form.typed_or("ends_at", local_input_value(outage.ends_at)) error=form.field("ends_at")/>
            <Field label=t.outage_late_notice_reason name="late_notice_reason" hint=t.outage_late_notice_hint
                maxlength=LATE_NOTICE_REASON_MAX value=form.typed("late_notice_reason") error=form.field("late_notice_reason")/>
            <FormMessage error done=form.done confirm=t.outage_moved_to/>
            <button type="submit" class="button">{t.outage_reschedule}</button>
        </ActionForm>
    }
}

/// `/my-outages`: outages in the areas of the customer's accounts, as the three usual lists.
#[component]
pub fn MyOutagesPage() -> impl IntoView {
    let t = use_texts();
    let data = Resource::new(|| (), |_| my_outages());
    view! {
        <h1>{t.my_outages}</h1>
        <Loaded resource=data let:mine>
            {mine.lists.into_iter().map(|(phase, list)| view! {
                <section class=format!("phase phase-{}", phase.as_str())>
                    <h2>{phase.label(t)}</h2>
                    {outage_list(list, t.outages_none)}
                </section>
            }).collect_view()}
        </Loaded>
        <p><a href="/outages">{t.outages_lookup}</a></p>
    }
}

/// `/outages/new`: staff publish an outage for their areas.
#[component]
pub fn PublishOutagePage() -> impl IntoView {
    let t = use_texts();
    let setup = Resource::new(|| (), |_| publish_form());
    let publish = ServerAction::<PublishOutage>::new();
    view! {
        <h1>{t.publish_outage}</h1>
        <Loaded resource=setup let:setup>
            <PublishForm setup publish/>
        </Loaded>
    }
}

#[component]
fn PublishForm(setup: super::api::PublishSetup, publish: ServerAction<PublishOutage>) -> impl IntoView {
    let t = use_texts();
    let locale = use_locale();
    // Refused without JavaScript, the form comes back as it was filled in.
    let form = Forms::new(publish).one();
    let error = form.error;
    let kind_error = form.field("kind");
    let areas_error = form.field("areas");
    let typed_kind = form.typed("kind");
    let typed_areas: Vec<String> = (0..setup.areas.len()).filter_map(|i| form.typed(&format!("areas[{i}]"))).collect();
    view! {
        <ActionForm action=publish attr:class="form publish" attr:novalidate=true>
            <input type="hidden" name="submission_key" value=setup.submission_key/>
            <fieldset class="field" aria-describedby="field-kind-error">
                <legend>{t.outage_kind}</legend>
                {OutageKind::ALL.iter().map(|k| {
                    let id = format!("kind-{}", k.as_str());
                    view! {
                        <label class="check" for=id.clone()>
                            <input type="radio" name="kind" id=id.clone() value=k.as_str()
                                checked=typed_kind.as_deref() == Some(k.as_str())/>" "{k.label(t)}
                        </label>
                    }
                }).collect_view()}
                <p class="hint">{t.outage_notice_rules}</p>
                <p class="field-error" id="field-kind-error" aria-live="polite">{move || kind_error.get()}</p>
            </fieldset>
            <Field label=t.outage_reason name="reason" maxlength=REASON_MAX value=form.typed("reason") error=form.field("reason")/>
            <fieldset class="field areas-choice" aria-describedby="field-areas-error">
                <legend>{t.outage_areas}</legend>
                {setup.areas.iter().enumerate().map(|(i, a)| {
                    let id = format!("area-{}", a.code);
                    view! {
                        <label class="check" for=id.clone()>
                            <input type="checkbox" id=id.clone() name=format!("areas[{i}]") value=a.code.clone()
                                checked=typed_areas.contains(&a.code)/>" "{a.name.get(locale).to_owned()}
                        </label>
                    }
                }).collect_view()}
                <p class="field-error" id="field-areas-error" aria-live="polite">{move || areas_error.get()}</p>
            </fieldset>
            <Field label=t.outage_from name="starts_at" kind="datetime-local" hint=t.outage_from_hint
                value=form.typed("starts_at") error=form.field("starts_at")/>
            <Field label=t.outage_until name="ends_at" kind="datetime-local" value=form.typed("ends_at") error=form.field("ends_at")/>
            {setup.supervisor.then(|| view! {
                <Field label=t.outage_late_notice_reason name="late_notice_reason" hint=t.outage_late_notice_hint
                    maxlength=LATE_NOTICE_REASON_MAX value=form.typed("late_notice_reason") error=form.field("late_notice_reason")/>
            })}
            <div class="field" class:invalid=move || field_message(error, "public_note").with(Option::is_some)>
                <label for="field-public_note">{t.outage_public_note}</label>
                <textarea id="field-public_note" name="public_note" rows="3" maxlength=NOTE_MAX>{ui::textarea_text(form.typed("public_note").unwrap_or_default())}</textarea>
                <p class="field-error" aria-live="polite">{move || field_message(error, "public_note").get()}</p>
            </div>
            <FormMessage error/>
            <button type="submit" class="button primary" disabled=move || publish.pending().get()>{t.publish}</button>
        </ActionForm>
    }
}

/// Shown at the top of every page of a customer while an outage touches them now or within a day.
#[component]
pub fn OutageBanner(outages: Vec<super::api::BannerItem>) -> impl IntoView {
    let t = use_texts();
    outages
        .into_iter()
        .map(|o| {
            let text = banner_text(&o, t);
            view! {
                <a class=format!("banner outage-banner status-{}", o.status.as_str()) href=format!("/outages/{}", o.id)>
                    {text}
                </a>
            }
        })
        .collect_view()
}

fn banner_text(o: &super::api::BannerItem, t: &'static Texts) -> String {
    let from = local_datetime(o.starts_at);
    match (o.status, o.estimated_restoration) {
        (OutageStatus::InProgress, Some(at)) => {
            fill(t.banner_in_progress_until, &[("reason", &o.reason), ("time", &local_datetime(at))])
        }
        (OutageStatus::InProgress, None) => fill(t.banner_in_progress, &[("reason", &o.reason)]),
        _ => fill(t.banner_upcoming, &[("reason", &o.reason), ("time", &from)]),
    }
}

/// Bursts of reports from one area, above the manager's queue: link them to one fault outage.
#[component]
pub fn StormPanel() -> impl IntoView {
    let t = use_texts();
    let locale = use_locale();
    let link = ServerAction::<LinkStorm>::new();
    let linked = successes(link);
    let groups = Resource::new(move || linked.get(), |_| storms());
    let forms = Forms::new(link);
    view! {
        // A linked burst leaves the panel: the confirmation stays above where it was.
        <FormMessage error=Signal::derive(|| None) done=forms.any_done() confirm=t.storm_linked/>
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                groups.await.ok().filter(|g| !g.is_empty()).map(|groups| view! {
                    <section class="card storms" aria-live="polite">
                        <h2>{t.storms}</h2>
                        {groups.into_iter().map(|g: StormView| {
                            let summary = fill(t.storm_summary, &[
                                ("count", &g.reports.to_string()),
                                ("area", g.area.get(locale)),
                                ("from", &local_datetime(g.first)),
                            ]);
                            let area = g.area_code.clone();
                            let key = g.submission_key.clone();
                            let form = forms.of("area", &area);
                            let error = form.error;
                            let fields = match g.under_way {
                                Some(outage) => view! {
                                    <p>{fill(t.storm_under_way, &[
                                        ("kind", outage.kind.label(t)),
                                        ("since", &local_datetime(outage.starts_at)),
                                    ])}" "<a href=format!("/outages/{}", outage.id)>{outage.reason.clone()}</a></p>
                                    <input type="hidden" name="outage" value=outage.id.to_string()/>
                                    <FormMessage error/>
                                    <button type="submit" class="button primary">{t.storm_join}</button>
                                }.into_any(),
                                None => view! {
                                    <Field label=t.outage_reason name="reason" maxlength=REASON_MAX value=form.typed("reason")
                                        error=form.field("reason")/>
                                    <Field label=t.estimated_restoration name="estimate" kind="datetime-local"
                                        value=form.typed("estimate") error=form.field("estimate")/>
                                    <FormMessage error/>
                                    <button type="submit" class="button primary">{t.storm_link}</button>
                                }.into_any(),
                            };
                            view! {
                                <ActionForm action=link attr:class="form storm" attr:novalidate=true on:submit=form.sending()>
                                    <p class="storm-summary">{summary}</p>
                                    <input type="hidden" name="area" value=area/>
                                    <input type="hidden" name="submission_key" value=key/>
                                    {fields}
                                </ActionForm>
                            }
                        }).collect_view()}
                    </section>
                })
            })}
        </Transition>
    }
}

/// An outage already under way where the customer lives: said before the form, with the
/// choice to follow it instead of reporting what is known. Reporting stays possible below.
/// `under_way` is [`outages_under_way`], made by the page above the form's own `Suspense`.
#[component]
pub fn KnownOutages(under_way: Resource<Result<Vec<OutageView>, AppError>>) -> impl IntoView {
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                under_way.await.ok().filter(|o| !o.is_empty()).map(|outages| view! { <KnownOutageList outages/> })
            })}
        </Suspense>
    }
}

#[component]
fn KnownOutageList(outages: Vec<OutageView>) -> impl IntoView {
    let t = use_texts();
    let follow = ServerAction::<FollowOutage>::new();
    view! {
        <section class="card known-outage" role="status">
            <h2>{t.known_outage_title}</h2>
            {outages.into_iter().map(|o| {
                let since = local_datetime(o.starts_at);
                let estimate = o.estimated_restoration.map(local_datetime).unwrap_or_else(|| t.estimate_unknown.to_owned());
                view! {
                    <p>
                        <strong>{o.kind.label(t)}</strong>" · "{o.reason.clone()}<br/>
                        {fill(t.known_outage_since, &[("since", &since), ("estimate", &estimate)])}
                    </p>
                    <ActionForm action=follow attr:class="form">
                        <input type="hidden" name="id" value=o.id.to_string()/>
                        <button type="submit" class="button primary">{t.outage_follow}</button>
                    </ActionForm>
                }
            }).collect_view()}
            <p class="hint">{t.known_outage_still_report}</p>
        </section>
    }
}
