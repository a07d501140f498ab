//! `/supervisor/grids` (each tier's grids, their managers' loads, how uneven they are, and the
//! forms that shape them) and `/supervisor/grids/balance` (a grid's proposal, reviewed and
//! applied in one step).
use super::api::{
    balance_proposal, grids_overview, ApplyBalance, BalanceView, CreateGrid, GridView, HandOver, ManagerLoad,
    MergeGrid, MovePlace, PlaceManager, PlaceView, RenameGrid, SetMentor, SplitGrid, TierView,
};
use super::model::NAME_MAX;
use crate::{
    i18n::{fill, use_locale, use_texts, Texts},
    managers::model::{Grade, Tier},
    time::local_datetime,
    ui::{field_message, successes, Field, FormMessage, Forms, Loaded},
};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// Every form of the grids page, so one page refetches after any of them went through.
#[derive(Clone, Copy)]
struct GridForms {
    create: Forms<CreateGrid>,
    rename: Forms<RenameGrid>,
    merge: Forms<MergeGrid>,
    split: Forms<SplitGrid>,
    place: Forms<MovePlace>,
    manager: Forms<PlaceManager>,
    mentor: Forms<SetMentor>,
    hand_over: Forms<HandOver>,
}

fn ratio(value: Option<f64>) -> String {
    value.map_or_else(|| "—".to_owned(), |r| format!("{r:.2}"))
}

#[component]
pub fn GridsPage() -> impl IntoView {
    let (create, rename, merge, split) = (
        ServerAction::<CreateGrid>::new(),
        ServerAction::<RenameGrid>::new(),
        ServerAction::<MergeGrid>::new(),
        ServerAction::<SplitGrid>::new(),
    );
    let (place, manager, mentor, hand_over) = (
        ServerAction::<MovePlace>::new(),
        ServerAction::<PlaceManager>::new(),
        ServerAction::<SetMentor>::new(),
        ServerAction::<HandOver>::new(),
    );
    let done = [
        successes(create),
        successes(rename),
        successes(merge),
        successes(split),
        successes(place),
        successes(manager),
        successes(mentor),
        successes(hand_over),
    ];
    let data = Resource::new(move || done.iter().map(|d| d.get()).sum::<usize>(), |_| grids_overview());
    let forms = GridForms {
        create: Forms::new(create),
        rename: Forms::new(rename),
        merge: Forms::new(merge),
        split: Forms::new(split),
        place: Forms::new(place),
        manager: Forms::new(manager),
        mentor: Forms::new(mentor),
        hand_over: Forms::new(hand_over),
    };
    let t = use_texts();
    view! {
        <h1>{t.grids_title}</h1>
        <p class="muted">{t.grids_intro}</p>
        <Loaded resource=data transition=true let:overview>
            {overview.tiers.into_iter().map(|tier| {
                let key = overview.submission_key.clone();
                view! { <TierSection tier forms key/> }
            }).collect_view()}
            <section class="card">
                <h2>{t.grids_covers}</h2>
                {overview.covers.is_empty().then(|| view! { <p class="empty">{t.grids_no_covers}</p> })}
                <ul>
                    {overview.covers.into_iter().map(|c| view! {
                        <li>{fill(t.grids_cover_line, &[("name", &c.name), ("no", &c.employee_no),
                            ("date", &c.returns_on.format("%Y-%m-%d").to_string()), ("count", &c.customers.to_string())])}</li>
                    }).collect_view()}
                </ul>
            </section>
            <CreateForm forms=forms.create/>
            <section class="card">
                <h2>{t.grids_history}</h2>
                <ol class="history">
                    {overview.events.into_iter().map(|e| view! {
                        <li>
                            <p><strong>{e.grid}</strong>" · "{event_label(&e.kind, t)}{e.detail.map(|d| format!(" · {d}"))}</p>
                            <p class="muted">{format!("{} · {}", local_datetime(e.at), e.by)}</p>
                        </li>
                    }).collect_view()}
                </ol>
            </section>
        </Loaded>
    }
}

fn event_label(kind: &str, t: &'static Texts) -> &'static str {
    match kind {
        "created" => t.grid_event_created,
        "renamed" => t.grid_event_renamed,
        "merged_into" => t.grid_event_merged_into,
        "merged_from" => t.grid_event_merged_from,
        "split_from" => t.grid_event_split_from,
        "split_into" => t.grid_event_split_into,
        "manager_joined" => t.grid_event_manager_joined,
        "manager_left" => t.grid_event_manager_left,
        _ => t.grid_event_covered,
    }
}

#[component]
fn TierSection(tier: TierView, forms: GridForms, key: String) -> impl IntoView {
    let t = use_texts();
    let others: Vec<(i64, String)> = tier.grids.iter().map(|g| (g.id, g.name.clone())).collect();
    let colleagues: Vec<ManagerLoad> =
        tier.grids.iter().flat_map(|g| g.managers.iter().cloned()).chain(tier.outside.iter().cloned()).collect();
    let kva = tier.tier == Tier::Member;
    let uncovered = tier.uncovered;
    let outside = tier.outside;
    view! {
        <section class="tier-grids">
            <h2>{tier.tier.label(t)}</h2>
            <p class="badges">
                <span class="badge">{fill(t.grids_imbalance, &[("ratio", &ratio(tier.imbalance))])}</span>
                {kva.then(|| view! { <span class="badge">{fill(t.grids_imbalance_kva, &[("ratio", &ratio(tier.imbalance_kva))])}</span> })}
            </p>
            {tier.grids.into_iter().map(|grid| {
                let (others, colleagues, key) = (others.clone(), colleagues.clone(), key.clone());
                view! { <GridCard grid others colleagues kva forms key/> }
            }).collect_view()}
            {(!uncovered.is_empty()).then(|| view! {
                <div class="card">
                    <h3>{t.grids_uncovered}</h3>
                    <ul class="places">
                        {uncovered.into_iter().map(|p| view! { <PlaceRow place=p grids=others.clone() forms/> }).collect_view()}
                    </ul>
                </div>
            })}
            {(!outside.is_empty()).then(|| view! {
                <div class="card">
                    <h3>{t.grids_outside}</h3>
                    <ManagerTable managers=outside label=fill(t.grids_loads_outside, &[("tier", tier.tier.label(t))]) grids=others.clone()
                        colleagues=colleagues.clone() kva forms key=key.clone()/>
                </div>
            })}
        </section>
    }
}

#[component]
fn GridCard(
    grid: GridView,
    others: Vec<(i64, String)>,
    colleagues: Vec<ManagerLoad>,
    kva: bool,
    forms: GridForms,
    key: String,
) -> impl IntoView {
    let t = use_texts();
    let id = grid.id.to_string();
    let rename = forms.rename.of("grid", &id);
    let merge = forms.merge.of("grid", &id);
    let split = forms.split.of("grid", &id);
    let merge_error = merge.field("into");
    let places_error = split.field("places");
    let (rename_sending, rename_typed, rename_name, rename_error) =
        (rename.sending(), rename.typed("name").or(Some(grid.name.clone())), rename.field("name"), rename.error);
    let (merge_sending, merge_form_error) = (merge.sending(), merge.error);
    let (split_sending, split_name_error, split_error) = (split.sending(), split.field("name"), split.error);
    let (id_rename, id_merge, id_split) = (id.clone(), id.clone(), id.clone());
    let merge_select = format!("merge-{id}");
    let rename_input = format!("rename-{id}");
    let split_name = format!("split-name-{id}");
    let split_places = grid.places.clone();
    let into: Vec<(i64, String)> = others.iter().filter(|(g, _)| *g != grid.id).cloned().collect();
    view! {
        <div class="card grid-card">
            <h3>{grid.name.clone()}</h3>
            <p class="badges">
                <span class="badge">{fill(t.grids_imbalance, &[("ratio", &ratio(grid.imbalance))])}</span>
                {kva.then(|| view! { <span class="badge">{fill(t.grids_imbalance_kva, &[("ratio", &ratio(grid.imbalance_kva))])}</span> })}
            </p>
            <p>
                <a class="button primary" href=format!("/supervisor/grids/balance?grid={}", grid.id)>{t.grids_propose}</a>
                " "<a class="csv" href=format!("/supervisor/grids/{}/customers.csv", grid.id) download="customers.csv">{t.grids_csv}</a>
            </p>
            <h4>{t.grids_places}</h4>
            {grid.places.is_empty().then(|| view! { <p class="empty">{t.grids_no_places}</p> })}
            <ul class="places">
                {grid.places.into_iter().map(|p| view! { <PlaceRow place=p grids=into.clone() forms/> }).collect_view()}
            </ul>
            <h4>{t.grids_managers}</h4>
            <ManagerTable managers=grid.managers label=fill(t.grids_loads_of, &[("grid", &grid.name)]) grids=others.clone() colleagues kva forms key/>
            <details>
                <summary>{t.grids_change}</summary>
                <ActionForm action=forms.rename.action() attr:class="form" on:submit=rename_sending>
                    <input type="hidden" name="grid" value=id_rename/>
                    <div class="field" class:invalid=move || rename_name.with(Option::is_some)>
                        <label for=rename_input.clone()>{t.grids_new_name}</label>
                        <input id=rename_input name="name" maxlength=NAME_MAX value=rename_typed/>
                        <p class="field-error" aria-live="polite">{move || rename_name.get()}</p>
                    </div>
                    <FormMessage error=rename_error/>
                    <button type="submit" class="button">{t.grids_rename}</button>
                </ActionForm>
                <ActionForm action=forms.merge.action() attr:class="form" on:submit=merge_sending>
                    <input type="hidden" name="grid" value=id_merge/>
                    <div class="field" class:invalid=move || merge_error.with(Option::is_some)>
                        <label for=merge_select.clone()>{t.grids_merge_into}</label>
                        <select id=merge_select name="into">
                            <option value="">{t.grids_choose_grid}</option>
                            {into.iter().map(|(g, name)| view! { <option value=g.to_string()>{name.clone()}</option> }).collect_view()}
                        </select>
                        <p class="field-error" aria-live="polite">{move || merge_error.get()}</p>
                    </div>
                    <FormMessage error=merge_form_error/>
                    <button type="submit" class="button">{t.grids_merge}</button>
                </ActionForm>
                <ActionForm action=forms.split.action() attr:class="form" on:submit=split_sending>
                    <input type="hidden" name="grid" value=id_split/>
                    <div class="field">
                        <label for=split_name.clone()>{t.grids_split_name}</label>
                        <input id=split_name name="name" maxlength=NAME_MAX/>
                        <p class="field-error" aria-live="polite">{move || split_name_error.get()}</p>
                    </div>
                    <fieldset class="field" class:invalid=move || places_error.with(Option::is_some)>
                        <legend>{t.grids_split_places}</legend>
                        {split_places.into_iter().enumerate().map(|(i, p)| {
                            let locale = use_locale();
                            view! {
                                <label class="check"><input type="checkbox" name=format!("places[{i}]") value=p.key/>" "{p.name.get(locale).to_owned()}</label>
                            }
                        }).collect_view()}
                        <p class="field-error" aria-live="polite">{move || places_error.get()}</p>
                    </fieldset>
                    <FormMessage error=split_error/>
                    <button type="submit" class="button">{t.grids_split}</button>
                </ActionForm>
            </details>
        </div>
    }
}

#[component]
fn PlaceRow(place: PlaceView, grids: Vec<(i64, String)>, forms: GridForms) -> impl IntoView {
    let t = use_texts();
    let locale = use_locale();
    let form = forms.place.of("place", &place.key);
    let select = format!("place-{}", place.key.replace(':', "-"));
    let error = form.field("grid");
    let (sending, form_error) = (form.sending(), form.error);
    view! {
        <li class="place">
            <ActionForm action=forms.place.action() attr:class="inline" on:submit=sending>
                <input type="hidden" name="place" value=place.key.clone()/>
                <label for=select.clone()>{place.name.get(locale).to_owned()}</label>
                " "
                <select id=select name="grid" aria-label=t.grids_move_to>
                    <option value="">{t.grids_move_to}</option>
                    {grids.into_iter().map(|(g, name)| view! { <option value=g.to_string()>{name}</option> }).collect_view()}
                </select>
                <button type="submit" class="button">{t.grids_move}</button>
                <p class="field-error" aria-live="polite">{move || error.get()}</p>
                <FormMessage error=form_error/>
            </ActionForm>
        </li>
    }
}

#[component]
fn ManagerTable(
    managers: Vec<ManagerLoad>,
    /// The table's name for screen readers, unique on the page.
    label: String,
    grids: Vec<(i64, String)>,
    colleagues: Vec<ManagerLoad>,
    kva: bool,
    forms: GridForms,
    key: String,
) -> impl IntoView {
    let t = use_texts();
    view! {
        <div class="table-scroll" tabindex="0" role="region" aria-label=label>
            <table class="loads">
                <thead><tr>
                    <th scope="col">{t.grids_manager}</th>
                    <th scope="col">{t.grids_customers}</th>
                    {kva.then(|| view! { <th scope="col">{t.grids_kva}</th> })}
                    <th scope="col">{t.grids_open_cases}</th>
                    <th scope="col">{t.grids_recent_cases}</th>
                    <th scope="col">{t.grids_rating}</th>
                </tr></thead>
                <tbody>
                    {managers.iter().map(|m| view! {
                        <tr>
                            <th scope="row">{m.name.clone()}" "<span class="mono muted">{m.employee_no.clone()}</span>
                                <br/><span class="muted">{m.grade.label(t)}</span>
                                {m.mentor.clone().map(|n| view! { <br/><span class="muted">{fill(t.grids_mentor_is, &[("name", &n)])}</span> })}
                            </th>
                            <td>{m.customers().to_string()}</td>
                            {kva.then(|| view! { <td>{m.kva.to_string()}</td> })}
                            <td>{m.open_cases.to_string()}</td>
                            <td>{m.recent_cases.to_string()}</td>
                            <td>{m.rating.map_or_else(|| "—".to_owned(), |r| format!("{r:.1}"))}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        {managers.into_iter().map(|m| {
            let (grids, colleagues, key) = (grids.clone(), colleagues.clone(), key.clone());
            view! { <ManagerForms m grids colleagues forms key/> }
        }).collect_view()}
    }
}

/// A manager's own forms: the grid they serve, a trainee's mentor, and handing their customers
/// over (for good, or as a cover until a day).
#[component]
fn ManagerForms(
    m: ManagerLoad,
    grids: Vec<(i64, String)>,
    colleagues: Vec<ManagerLoad>,
    forms: GridForms,
    key: String,
) -> impl IntoView {
    let t = use_texts();
    let no = m.employee_no.clone();
    let place = forms.manager.of("employee_no", &no);
    let mentor = forms.mentor.of("employee_no", &no);
    let hand = forms.hand_over.of("employee_no", &no);
    let (mentor_error, to_error, date_error) = (mentor.field("mentor"), hand.field("to"), hand.field("returns_on"));
    let trainee = m.grade == Grade::Trainee;
    let others: Vec<ManagerLoad> = colleagues.into_iter().filter(|c| c.employee_no != no).collect();
    let mentors: Vec<ManagerLoad> = others.iter().filter(|c| c.grade != Grade::Trainee).cloned().collect();
    let date_id = format!("returns-{no}");
    let (place_sending, place_grid, place_error) = (place.sending(), place.field("grid"), place.error);
    let (mentor_sending, mentor_form_error) = (mentor.sending(), mentor.error);
    let (hand_sending, hand_error, hand_done) = (hand.sending(), hand.error, hand.done);
    let (no_place, no_mentor, no_hand) = (no.clone(), no.clone(), no.clone());
    let (grid_select, mentor_select) = (format!("grid-of-{no}"), format!("mentor-{no}"));
    let current_mentor = m.mentor.clone();
    view! {
        <details class="manager-forms">
            <summary>{fill(t.grids_manage, &[("name", &m.name)])}</summary>
            <ActionForm action=forms.manager.action() attr:class="form" on:submit=place_sending>
                <input type="hidden" name="employee_no" value=no_place/>
                <label for=grid_select.clone()>{t.grids_serves}</label>
                <select id=grid_select name="grid">
                    <option value="">{t.grids_no_grid}</option>
                    {grids.into_iter().map(|(g, name)| view! { <option value=g.to_string()>{name}</option> }).collect_view()}
                </select>
                <p class="field-error" aria-live="polite">{move || place_grid.get()}</p>
                <FormMessage error=place_error/>
                <button type="submit" class="button">{t.grids_save}</button>
            </ActionForm>
            {trainee.then(move || view! {
                <ActionForm action=forms.mentor.action() attr:class="form" on:submit=mentor_sending>
                    <input type="hidden" name="employee_no" value=no_mentor/>
                    <div class="field" class:invalid=move || mentor_error.with(Option::is_some)>
                        <label for=mentor_select.clone()>{t.grids_mentor}</label>
                        <select id=mentor_select name="mentor">
                            <option value="">{t.grids_no_mentor}</option>
                            {mentors.into_iter().map(|c| {
                                let selected = current_mentor.as_deref() == Some(c.name.as_str());
                                view! { <option value=c.employee_no.clone() selected=selected>{format!("{} · {}", c.name, c.grade.label(t))}</option> }
                            }).collect_view()}
                        </select>
                        <p class="field-error" aria-live="polite">{move || mentor_error.get()}</p>
                    </div>
                    <FormMessage error=mentor_form_error/>
                    <button type="submit" class="button">{t.grids_save}</button>
                </ActionForm>
            })}
            <ActionForm action=forms.hand_over.action() attr:class="form" on:submit=hand_sending>
                <input type="hidden" name="employee_no" value=no_hand/>
                <input type="hidden" name="submission_key" value=key/>
                <fieldset class="field" class:invalid=move || to_error.with(Option::is_some)>
                    <legend>{t.grids_hand_to}</legend>
                    {others.into_iter().enumerate().map(|(i, c)| view! {
                        <label class="check"><input type="checkbox" name=format!("to[{i}]") value=c.employee_no.clone()/>
                            " "{format!("{} · {} · {}", c.name, c.grade.label(t), fill(t.customer_count, &[("count", &c.customers().to_string())]))}</label>
                    }).collect_view()}
                    <p class="field-error" aria-live="polite">{move || to_error.get()}</p>
                </fieldset>
                <div class="field" class:invalid=move || date_error.with(Option::is_some)>
                    <label for=date_id.clone()>{t.grids_returns_on}</label>
                    <p class="hint">{t.grids_returns_on_hint}</p>
                    <input id=date_id type="date" name="returns_on"/>
                    <p class="field-error" aria-live="polite">{move || date_error.get()}</p>
                </div>
                <FormMessage error=hand_error done=hand_done confirm=t.grids_handed_over/>
                <button type="submit" class="button">{t.grids_hand_over}</button>
            </ActionForm>
        </details>
    }
}

#[component]
fn CreateForm(forms: Forms<CreateGrid>) -> impl IntoView {
    let t = use_texts();
    let form = forms.one();
    let tier_error = form.field("tier");
    let (sending, typed, name_error) = (form.sending(), form.typed("name"), form.field("name"));
    view! {
        <section class="card">
            <h2>{t.grids_create}</h2>
            <ActionForm action=forms.action() attr:class="form" attr:novalidate=true on:submit=sending>
                <div class="field" class:invalid=move || tier_error.with(Option::is_some)>
                    <label for="field-tier">{t.grids_tier}</label>
                    <select id="field-tier" name="tier">
                        <option value="">{t.grids_choose_tier}</option>
                        {Tier::ALL.iter().map(|tier| view! { <option value=tier.as_str()>{tier.label(t)}</option> }).collect_view()}
                    </select>
                    <p class="field-error" aria-live="polite">{move || tier_error.get()}</p>
                </div>
                <Field label=t.grids_name name="name" maxlength=NAME_MAX value=typed error=name_error/>
                <FormMessage error=form.error done=form.done confirm=t.grids_created/>
                <button type="submit" class="button primary">{t.grids_create}</button>
            </ActionForm>
        </section>
    }
}

#[component]
pub fn BalancePage() -> impl IntoView {
    let query = use_query_map();
    let grid = move || query.with(|q| q.get("grid").unwrap_or_default());
    let apply = ServerAction::<ApplyBalance>::new();
    let applied = successes(apply);
    let data = Resource::new(move || (grid(), applied.get()), |(g, _)| balance_proposal(g.into()));
    view! {
        <Loaded resource=data transition=true let:view>
            <BalanceReview view apply/>
        </Loaded>
    }
}

#[component]
fn BalanceReview(view: BalanceView, apply: ServerAction<ApplyBalance>) -> impl IntoView {
    let t = use_texts();
    let query = use_query_map();
    let form = Forms::new(apply).one();
    let error = form.error;
    let just_applied = move || form.done.get() || query.with(|q| q.get("applied").is_some());
    let kva = view.tier == Tier::Member;
    view! {
        <h1>{fill(t.balance_title, &[("grid", &view.grid)])}</h1>
        <p><a href="/supervisor/grids">{t.grids_back}</a></p>
        <p class="form-done" role="status">{move || just_applied().then_some(t.balance_applied)}</p>
        <p class="badges">
            <span class="badge">{fill(t.balance_before, &[("ratio", &ratio(view.imbalance_before))])}</span>
            <span class="badge">{fill(t.balance_after, &[("ratio", &ratio(view.imbalance_after))])}</span>
        </p>
        <div class="table-scroll" tabindex="0" role="region" aria-label=t.balance_loads>
            <table class="loads">
                <thead><tr>
                    <th scope="col">{t.grids_manager}</th>
                    <th scope="col">{t.balance_now}</th>
                    <th scope="col">{t.balance_then}</th>
                    {kva.then(|| view! { <th scope="col">{t.grids_kva}</th> })}
                </tr></thead>
                <tbody>
                    {view.loads.into_iter().map(|(name, before, after)| view! {
                        <tr>
                            <th scope="row">{name}</th>
                            <td>{before.customers.to_string()}</td>
                            <td>{after.customers.to_string()}</td>
                            {kva.then(|| view! { <td>{format!("{} → {}", before.kva, after.kva)}</td> })}
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        {(!view.unplaced.is_empty()).then(|| view! {
            <p class="form-error">{fill(t.balance_unplaced, &[("names", &view.unplaced.join("、"))])}</p>
        })}
        {if view.lines.is_empty() {
            view! { <p class="empty">{t.balance_nothing}</p> }.into_any()
        } else {
            view! {
                <ActionForm action=apply attr:class="form">
                    <input type="hidden" name="grid" value=view.grid_id.to_string()/>
                    <input type="hidden" name="submission_key" value=view.submission_key/>
                    <fieldset class="field" class:invalid=move || error.with(|e| e.as_ref().is_some_and(|e| e.for_field("lines").is_some()))>
                        <legend>{t.balance_lines}</legend>
                        <ul class="balance-lines">
                            {view.lines.into_iter().enumerate().map(|(i, l)| {
                                let who = l.customers.iter().map(|(account, name)| format!("{name} {account}")).collect::<Vec<_>>().join("、");
                                view! {
                                    <li>
                                        <label class="check">
                                            <input type="checkbox" name=format!("lines[{i}]") value=l.key checked=true/>
                                            " "{fill(t.balance_line, &[("who", &who), ("from", &l.from), ("to", &l.to)])}
                                        </label>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                        <p class="field-error" aria-live="polite">{move || field_message(error, "lines").get()}</p>
                    </fieldset>
                    <FormMessage error/>
                    <button type="submit" class="button primary" disabled=move || apply.pending().get()>{t.balance_apply}</button>
                </ActionForm>
            }.into_any()
        }}
    }
}
