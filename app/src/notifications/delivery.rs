//! Sending notifications beyond the portal, by SMS or email, through one interface. Every
//! server process runs the same loop: due deliveries are claimed with SKIP LOCKED inside a
//! transaction, so two processes never take the same one, and a delivery is marked sent in the
//! transaction that claimed it. Quiet hours postpone; failures retry with back-off.
use super::model::{deliver_at, notice_text, retry_after, Detail, Kind, DELIVERY_ATTEMPTS};
use crate::{db::PgPool, error::AppResult, i18n::ZH};
use chrono::{DateTime, Utc};
use std::{io::Write, path::PathBuf};

/// One message to one address.
pub struct Message<'a> {
    pub channel: &'a str,
    pub address: &'a str,
    pub text: String,
}

/// Where messages leave the portal. A real SMS or mail gateway implements this.
pub trait Delivery: Send + Sync {
    fn send(&self, message: &Message<'_>) -> impl std::future::Future<Output = Result<(), String>> + Send;
}

/// The default: one line per message in a log file (or the server log), so the whole path runs
/// on any machine without a gateway.
#[derive(Debug, Clone, Default)]
pub struct LogDelivery {
    pub path: Option<PathBuf>,
}

impl Delivery for LogDelivery {
    async fn send(&self, message: &Message<'_>) -> Result<(), String> {
        let line = format!("{}\t{}\t{}\n", message.channel, message.address, message.text);
        match &self.path {
            Some(path) => std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .and_then(|mut file| file.write_all(line.as_bytes()))
                .map_err(|e| e.to_string()),
            None => {
                tracing::info!(target: "delivery", "{}", line.trim_end());
                Ok(())
            }
        }
    }
}

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Delivered {
    pub sent: usize,
    pub postponed: usize,
    pub retried: usize,
}

/// Sends what is due now, in batches, until nothing due is left unclaimed.
pub async fn deliver_due(pool: &PgPool, delivery: &impl Delivery, now: DateTime<Utc>) -> AppResult<Delivered> {
    let mut done = Delivered::default();
    loop {
        let mut tx = pool.begin().await?;
        let due = sqlx::query!(
            r#"select d.id, d.channel, d.address, d.attempts, n.kind, p.quiet_from as "quiet_from?", p.quiet_to as "quiet_to?",
                      c.number as "number?", o.reason as "reason?", n.detail as "detail: sqlx::types::Json<Detail>"
               from deliveries d
               join notifications n on n.id = d.notification_id
               left join contact_preferences p on p.user_id = n.user_id
               left join cases c on c.id = n.case_id
               left join outages o on o.id = n.outage_id
               where d.status = 'pending' and d.next_attempt_at <= $1
               order by d.next_attempt_at, d.id
               limit 50
               for update of d skip locked"#,
            now
        )
        .fetch_all(&mut *tx)
        .await?;
        if due.is_empty() {
            return Ok(done);
        }
        for row in due {
            let quiet = row.quiet_from.zip(row.quiet_to);
            let at = deliver_at(now, quiet);
            if at > now {
                sqlx::query!("update deliveries set next_attempt_at = $2 where id = $1", row.id, at)
                    .execute(&mut *tx)
                    .await?;
                done.postponed += 1;
                continue;
            }
            let kind: Kind = row.kind.parse()?;
            let said = notice_text(kind, row.detail.as_ref().map(|d| &d.0), &ZH);
            let text = format!("【{}】{}：{}", ZH.app_name, said, about(row.number, row.reason));
            let message = Message { channel: &row.channel, address: &row.address, text };
            match delivery.send(&message).await {
                Ok(()) => {
                    sqlx::query!(
                        "update deliveries set status = 'sent', sent_at = $2, attempts = attempts + 1 where id = $1",
                        row.id,
                        now
                    )
                    .execute(&mut *tx)
                    .await?;
                    done.sent += 1;
                }
                Err(error) => {
                    let attempts = row.attempts + 1;
                    let status = if attempts >= DELIVERY_ATTEMPTS { "failed" } else { "pending" };
                    sqlx::query!(
                        "update deliveries set attempts = $2, status = $3, next_attempt_at = $4, last_error = $5
                         where id = $1",
                        row.id,
                        attempts,
                        status,
                        now + retry_after(attempts),
                        error
                    )
                    .execute(&mut *tx)
                    .await?;
                    done.retried += 1;
                }
            }
        }
        tx.commit().await?;
    }
}

/// What a message is about: the case's number as people read it out, or the outage's reason.
fn about(number: Option<String>, reason: Option<String>) -> String {
    match (number, reason) {
        (Some(number), _) => crate::domain::case_ref::display_number(&number),
        (None, reason) => reason.unwrap_or_default(),
    }
}
