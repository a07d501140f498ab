use super::api::{my_notifications, MarkNotificationsRead};
use crate::{
    i18n::use_texts,
    time::local_datetime,
    ui::{Failure, Loading},
};
use leptos::prelude::*;

#[component]
pub fn NotificationsPage() -> impl IntoView {
    let t = use_texts();
    let mark = ServerAction::<MarkNotificationsRead>::new();
    let notices = Resource::new(move || mark.version().get(), |_| my_notifications());
    view! {
        <h1>{t.notifications}</h1>
        <ActionForm action=mark attr:class="inline">
            <button type="submit" class="button">{t.mark_all_read}</button>
        </ActionForm>
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match notices.await {
                    Ok(list) => view! {
                        {list.is_empty().then(|| view! { <p class="empty">{t.no_notifications}</p> })}
                        <ul class="notices">
                            {list.into_iter().map(|n| view! {
                                <li class="card notice" class:unread=n.unread>
                                    <a href=format!("/tickets/{}", n.ticket_number)>{n.kind.label(t)}</a>
                                    <p class="muted">{format!("{} · {}", local_datetime(n.at), n.ticket_number)}</p>
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(error) => view! { <Failure error/> }.into_any(),
                }
            })}
        </Transition>
    }
}
