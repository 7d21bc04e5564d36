//! The mailer: drains the outbox through a [`Mailer`]. The platform's own
//! mailer ([`SpoolMailer`]) writes each e-mail as an `.eml` file into the
//! configured spool folder (or only logs it): no mail leaves this server;
//! a real deployment hands the spool to its mail system. Tests pass a fake
//! that records.

use std::path::PathBuf;

use mynapoint_contract::grant::admin::OutboxMail;

use crate::rules::error::ApiResult;
use crate::rules::Platform;
use crate::store::grants;

/// Sends one e-mail.
pub trait Mailer: Send + Sync {
    /// `Err`: not sent (it stays in the outbox for the next drain).
    fn send(&self, mail: &OutboxMail) -> Result<(), String>;
}

/// Writes `<id>.eml` files into a folder, or (no folder) logs the mail.
#[derive(Debug, Clone, Default)]
pub struct SpoolMailer {
    pub folder: Option<PathBuf>,
}

impl Mailer for SpoolMailer {
    fn send(&self, mail: &OutboxMail) -> Result<(), String> {
        match &self.folder {
            Some(folder) => {
                std::fs::create_dir_all(folder).map_err(|e| e.to_string())?;
                let text = format!(
                    "To: {}\r\nSubject: {}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{}",
                    mail.to, mail.subject, mail.body
                );
                std::fs::write(folder.join(format!("{}.eml", mail.id)), text)
                    .map_err(|e| e.to_string())
            }
            None => {
                tracing::info!(id = mail.id, subject = %mail.subject, "outbox e-mail (no spool folder: logged only)");
                Ok(())
            }
        }
    }
}

/// Sends every waiting e-mail; returns how many were sent. A mail the
/// mailer refuses stays waiting.
pub fn drain(app: &Platform, mailer: &dyn Mailer) -> ApiResult<u32> {
    let waiting = app
        .store
        .lock()
        .expect("lock")
        .read(|c| grants::outbox(c, true))?;
    let mut sent = 0;
    for mail in waiting {
        match mailer.send(&mail) {
            Ok(()) => {
                let now = app.clock.now();
                app.store
                    .lock()
                    .expect("lock")
                    .write(|tx| grants::mark_sent(tx, mail.id, now))?;
                sent += 1;
            }
            Err(e) => {
                tracing::warn!(id = mail.id, error = %e, "outbox e-mail not sent");
            }
        }
    }
    Ok(sent)
}

/// Drains with the platform's configured mailer ([`SpoolMailer`] on
/// `mail_spool`).
pub fn drain_configured(app: &Platform) -> ApiResult<u32> {
    let mailer = SpoolMailer {
        folder: app.config.mail_spool.clone(),
    };
    drain(app, &mailer)
}
