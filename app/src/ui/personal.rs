//! Personal data in staff views: shown masked, with the way to the customer archive's card,
//! which shows it for a reason it records (`archive`). Here, below the features, so that any
//! feature's page can mask without reaching into the archive.
use crate::i18n::use_texts;
use leptos::prelude::*;

/// Where a staff view sends someone who asks to see a customer's data, with the case they are
/// working on when there is one.
pub fn archive_link(account_no: &str, case_number: Option<&str>) -> String {
    match case_number {
        Some(number) => format!("/archive/{account_no}?case={number}"),
        None => format!("/archive/{account_no}"),
    }
}

/// Where a staff view shows a masked value: the mask, and the way to the archive's card.
pub fn masked_with_link(masked: String, link: String) -> impl IntoView {
    let t = use_texts();
    view! {
        <span class="mono masked">{masked}</span>" "
        <a class="link show-personal" href=link>{t.show_phone}</a>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_archive_link_carries_the_case() {
        assert_eq!(archive_link("3100000001", None), "/archive/3100000001");
        assert_eq!(archive_link("3100000001", Some("TK3XY7QP")), "/archive/3100000001?case=TK3XY7QP");
    }
}
