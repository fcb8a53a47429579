//! Delivery by e-mail: a background worker sends the outbox rows through SMTP (lettre), with
//! retries and back-off. The outbox is in the database, so a restart loses nothing, and several
//! server processes may run workers: each row is claimed before it is sent.

use std::time::Duration;

use chrono::Utc;
use lettre::message::{Mailbox, header::ContentType};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sgo_core::mail::{MAX_EMAIL_ATTEMPTS, retry_delay_secs};
use sgo_store::EmailDeliveryRecord;

use crate::{App, AppResult, SmtpSettings, SmtpTls};

/// Rows taken per pass.
const BATCH: i64 = 50;

/// The running e-mail worker; dropping it does not stop it, [`DeliveryWorker::stop`] or
/// [`DeliveryWorker::finish`] does.
pub struct DeliveryWorker {
    handle: tokio::task::JoinHandle<()>,
    finish: std::sync::Arc<tokio::sync::Notify>,
}

impl DeliveryWorker {
    /// Stops the worker at once, even in the middle of a pass.
    pub fn stop(self) {
        self.handle.abort();
    }

    /// Stops the worker after the pass in progress, if any: a message being handed to the SMTP
    /// server is not cut off (it would be sent again once its claim expires).
    pub async fn finish(self) {
        self.finish.notify_one();
        let _ = self.handle.await;
    }
}

/// Why one e-mail could not be sent, and whether trying again could help.
pub(crate) struct SendError {
    pub(crate) message: String,
    permanent: bool,
}

pub(crate) fn transport(
    smtp: &SmtpSettings,
) -> Result<AsyncSmtpTransport<Tokio1Executor>, SendError> {
    let fail = |e: lettre::transport::smtp::Error| SendError {
        message: format!("SMTP: {e}"),
        permanent: false,
    };
    let mut builder = match smtp.tls {
        SmtpTls::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&smtp.host),
        SmtpTls::Starttls => {
            AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&smtp.host).map_err(fail)?
        }
        SmtpTls::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&smtp.host).map_err(fail)?,
    }
    .port(smtp.port)
    .timeout(Some(Duration::from_secs(30)));
    if !smtp.username.is_empty() {
        builder = builder.credentials(Credentials::new(
            smtp.username.clone(),
            smtp.password.clone(),
        ));
    }
    Ok(builder.build())
}

impl App {
    /// Starts the e-mail worker: a pass over due deliveries every `every`.
    pub fn start_delivery_worker(&self, every: Duration) -> DeliveryWorker {
        let app = self.clone();
        let finish = std::sync::Arc::new(tokio::sync::Notify::new());
        let asked_to_finish = finish.clone();
        let handle = tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tokio::select! {
                    biased;
                    _ = asked_to_finish.notified() => return,
                    _ = tick.tick() => {}
                }
                if let Err(e) = app.deliver_due_email().await {
                    tracing::warn!(error = %e, "mail delivery pass failed");
                }
            }
        });
        DeliveryWorker { handle, finish }
    }

    /// One pass of the e-mail worker: sends every due delivery; returns how many were sent.
    /// Without SMTP settings nothing is sent and the rows wait.
    pub async fn deliver_due_email(&self) -> AppResult<usize> {
        let Some(smtp) = self.settings.smtp.clone() else {
            return Ok(0);
        };
        let now = self.clock.now();
        let due = self.store.due_email_deliveries(now, BATCH).await?;
        if due.is_empty() {
            return Ok(0);
        }
        let transport = transport(&smtp);
        let mut sent = 0;
        for d in due {
            // Kept from other nodes' workers while it is sent; a node that dies mid-send leaves
            // the row to the others once the lease (the jobs' setting) has run out.
            let lease = now
                + chrono::Duration::from_std(self.settings.job_lease)
                    .unwrap_or(chrono::Duration::minutes(5));
            if !self
                .store
                .claim_delivery(d.id, d.next_attempt_at, lease)
                .await?
            {
                continue;
            }
            let outcome = match &transport {
                Ok(t) => self.send_one(t, &smtp, &d).await,
                Err(e) => Err(SendError {
                    message: e.message.clone(),
                    permanent: false,
                }),
            };
            match outcome {
                Ok(()) => {
                    self.store.delivery_done(d.id, "sent", Utc::now()).await?;
                    sent += 1;
                }
                Err(e) => {
                    let attempts = d.attempts + 1;
                    let give_up = e.permanent || attempts as u32 >= MAX_EMAIL_ATTEMPTS;
                    let next = Utc::now()
                        + chrono::Duration::seconds(retry_delay_secs(attempts as u32 - 1));
                    tracing::warn!(delivery = d.id, attempts, error = %e.message, "e-mail not sent");
                    self.store
                        .delivery_failed(
                            d.id,
                            attempts,
                            next,
                            if give_up { "failed" } else { "pending" },
                            &e.message,
                        )
                        .await?;
                }
            }
        }
        Ok(sent)
    }

    async fn send_one(
        &self,
        transport: &AsyncSmtpTransport<Tokio1Executor>,
        smtp: &SmtpSettings,
        d: &EmailDeliveryRecord,
    ) -> Result<(), SendError> {
        let permanent = |message: String| SendError {
            message,
            permanent: true,
        };
        let from: Mailbox = smtp
            .from
            .parse()
            .map_err(|e| permanent(format!("неверный адрес отправителя: {e}")))?;
        let to_address = d
            .address
            .parse()
            .map_err(|e| permanent(format!("неверный адрес получателя: {e}")))?;
        let to = Mailbox::new(Some(d.recipient_name.clone()), to_address);
        let text = if d.is_html {
            crate::html::to_text(&d.body)
        } else {
            d.body.clone()
        };
        let mut body = format!(
            "Письмо в системе «Сетевой город. Образование» ({})\nОт: {}\n\n{}\n",
            d.organization_name, d.author_name, text
        );
        let url = self.settings.public_url.trim_end_matches('/');
        if !url.is_empty() {
            body.push_str(&format!(
                "\n--\nОтветить можно в системе: {url}/mail/{}\n",
                d.message_id
            ));
        }
        let email = Message::builder()
            .from(from)
            .to(to)
            .subject(d.subject.clone())
            .header(ContentType::TEXT_PLAIN)
            .body(body)
            .map_err(|e| permanent(format!("письмо не собрано: {e}")))?;
        transport
            .send(email)
            .await
            .map(|_| ())
            .map_err(|e| SendError {
                permanent: e.is_permanent(),
                message: format!("SMTP: {e}"),
            })
    }
}
