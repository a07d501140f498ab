//! Sign-in, sign-out, the language choice.
use super::model::Password;
use crate::domain::Text;
use crate::error::AppError;
use leptos::prelude::*;

#[server(endpoint = "sign_in")]
pub async fn sign_in(identifier: Text, password: Password) -> Result<(), AppError> {
    use super::{
        model::{identity_key, session_hours, throttle, Identifier, THROTTLE_WINDOW_MINUTES},
        session, store,
    };
    use crate::error::{FieldError, Problem};

    let parsed = Identifier::parse(&identifier);
    let mut problems = Vec::new();
    if let Err(problem) = &parsed {
        problems.push(FieldError::new("identifier", *problem));
    }
    if password.is_empty() {
        problems.push(FieldError::new("password", Problem::Required));
    }
    let identifier = match parsed {
        Ok(identifier) if problems.is_empty() => identifier,
        _ => return Err(AppError::Invalid(problems)),
    };

    let pool = crate::db::pool()?;
    let credentials = store::credentials(&pool, &identifier).await?;
    let identity = identity_key(credentials.as_ref().map(|c| c.user.user_id), &identifier);
    let client = session::client_key().await;
    let failures = store::recent_failures(&pool, &identity, &client, THROTTLE_WINDOW_MINUTES).await?;
    throttle(&failures).map_err(|retry_after_seconds| AppError::Throttled { retry_after_seconds })?;

    let stored = credentials.as_ref().map(|c| c.password_hash.clone());
    let valid = session::verify_password(password.expose().to_owned(), stored).await?;
    let user = match credentials {
        Some(c) if valid => c.user,
        _ => {
            store::record_failure(&pool, &identity, &client).await?;
            return Err(AppError::field("password", Problem::WrongCredentials));
        }
    };

    let token = session::new_token();
    let hours = session_hours(user.role);
    let expires_at = chrono::Utc::now() + chrono::Duration::hours(hours);
    store::start_session(&pool, &identity, &client, user.user_id, &session::token_hash(&token), expires_at).await?;
    session::set_cookie(session::SESSION_COOKIE, &token, hours * 3600);
    leptos_axum::redirect(user.role.home());
    Ok(())
}

#[server(endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    super::session::end_current_session().await?;
    leptos_axum::redirect("/signin");
    Ok(())
}

/// Remembers the chosen language for a year. Posted by a plain form, so it works without
/// JavaScript and the page comes back in the new language.
#[server(endpoint = "set_language")]
pub async fn set_language(lang: Text) -> Result<(), AppError> {
    use crate::i18n::{Locale, LANG_COOKIE};
    let locale = Locale::from_tag(&lang).ok_or(AppError::BadRequest)?;
    super::session::set_cookie(LANG_COOKIE, locale.tag(), 365 * 24 * 3600);
    Ok(())
}
