//! `/supervisor/calendar`: a year's public holidays and make-up working days, kept by
//! supervisors.
use super::{
    api::{calendar_year, RemoveCalendarDay, SetCalendarDay, YearExceptions},
    NAME_MAX,
};
use crate::{
    i18n::{fill, use_locale, use_texts},
    ui::{successes, Field, FormMessage, Forms, Loaded},
};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn CalendarPage() -> impl IntoView {
    let query = use_query_map();
    let year = move || query.with(|q| q.get("year"));
    let set = ServerAction::<SetCalendarDay>::new();
    let remove = ServerAction::<RemoveCalendarDay>::new();
    let (set_done, removed) = (successes(set), successes(remove));
    let data =
        Resource::new(move || (year(), set_done.get(), removed.get()), |(y, ..)| calendar_year(y.map(Into::into)));
    let (sets, removes) = (Forms::new(set), Forms::new(remove));
    view! {
        <Loaded resource=data transition=true let:calendar>
            <CalendarView calendar sets removes/>
        </Loaded>
    }
}

#[component]
fn CalendarView(
    calendar: YearExceptions,
    sets: Forms<SetCalendarDay>,
    removes: Forms<RemoveCalendarDay>,
) -> impl IntoView {
    let t = use_texts();
    let locale = use_locale();
    let form = sets.one();
    let working = form.typed("working").unwrap_or_default();
    let sending = form.sending();
    let (error, done) = (form.error, form.done);
    let working_error = form.field("working");
    view! {
        <h1>{fill(t.calendar_title, &[("year", &calendar.year.to_string())])}</h1>
        <p class="muted">{t.calendar_intro}</p>
        <form method="get" action="/supervisor/calendar" class="search filters">
            <div class="search-row">
                <select name="year" aria-label=t.calendar_year>
                    {calendar.years.iter().map(|y| view! {
                        <option value=y.to_string() selected=*y == calendar.year>{y.to_string()}</option>
                    }).collect_view()}
                </select>
                <button type="submit" class="button">{t.filter}</button>
            </div>
        </form>
        // A removed day leaves the list: its confirmation stays above it.
        <FormMessage error=Signal::derive(|| None) done=removes.any_done() confirm=t.calendar_removed/>
        {calendar.days.is_empty().then(|| view! { <p class="empty">{t.calendar_none}</p> })}
        <ul class="calendar-days">
            {calendar.days.into_iter().map(|d| {
                let day = d.day.format("%Y-%m-%d").to_string();
                let remove = removes.of("day", &day);
                view! {
                    <li class="card calendar-day">
                        <p><strong class="mono">{day.clone()}</strong>" "{d.name.get(locale).to_owned()}</p>
                        <p class="badges">
                            <span class=if d.working { "badge" } else { "badge urgent" }>
                                {if d.working { t.calendar_workday } else { t.calendar_holiday }}
                            </span>
                        </p>
                        <ActionForm action=removes.action() attr:class="inline" on:submit=remove.sending()>
                            <input type="hidden" name="day" value=day/>
                            <FormMessage error=remove.error/>
                            <button type="submit" class="button">{t.calendar_remove}</button>
                        </ActionForm>
                    </li>
                }
            }).collect_view()}
        </ul>
        <section class="card">
            <h2>{t.calendar_add}</h2>
            <ActionForm action=sets.action() attr:class="form" attr:novalidate=true on:submit=sending>
                <Field label=t.calendar_day name="day" kind="date" value=form.typed("day") error=form.field("day")/>
                <div class="field" class:invalid=move || working_error.with(Option::is_some)>
                    <label for="field-working">{t.calendar_kind}</label>
                    <select id="field-working" name="working" aria-describedby="field-working-error">
                        <option value="" selected=working.is_empty()>{t.calendar_choose_kind}</option>
                        <option value="holiday" selected=working == "holiday">{t.calendar_holiday}</option>
                        <option value="workday" selected=working == "workday">{t.calendar_workday}</option>
                    </select>
                    <p class="field-error" id="field-working-error" aria-live="polite">{move || working_error.get()}</p>
                </div>
                <Field label=t.calendar_name_zh name="name_zh" maxlength=NAME_MAX value=form.typed("name_zh")
                    error=form.field("name_zh")/>
                <Field label=t.calendar_name_en name="name_en" maxlength=NAME_MAX value=form.typed("name_en")
                    error=form.field("name_en")/>
                <FormMessage error done confirm=t.calendar_saved/>
                <button type="submit" class="button primary">{t.calendar_save}</button>
            </ActionForm>
        </section>
    }
}
