use super::{api::my_department, model::SupportTeam};
use crate::{
    i18n::{use_locale, use_texts},
    ui::Loaded,
};
use leptos::prelude::*;

#[component]
pub fn DepartmentHome() -> impl IntoView {
    let t = use_texts();
    let locale = use_locale();
    let department = Resource::new(|| (), |_| my_department());
    view! {
        <Loaded resource=department let:d>
            {
                let team = match d.team {
                    SupportTeam::Strategy => t.team_strategy,
                    SupportTeam::Technical => t.team_technical,
                    SupportTeam::Service => t.team_service,
                };
                view! {
                    <h1>{d.name.get(locale).to_owned()}</h1>
                    <p class="badges"><span class="badge">{team}</span></p>
                }
            }
        </Loaded>
    }
}
