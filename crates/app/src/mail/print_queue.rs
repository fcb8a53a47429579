//! The print queue of paper letters: the class teacher (for their classes) and the
//! administration (for the whole school) print pending letters as one PDF and mark them printed.

use sgo_core::Actor;
use sgo_reports::letters::{Letter, letters_pdf};
use sgo_store::PaperLetterRecord;

use crate::{App, AppError, AppResult, Origin};

impl App {
    /// Which classes' letters the actor handles: `None` for all (administration).
    async fn letter_scope(&self, actor: &Actor) -> AppResult<Option<Vec<i64>>> {
        if sgo_core::policy::is_school_admin(actor) {
            return Ok(None);
        }
        if sgo_core::policy::teacher(actor).is_some() {
            let classes = self
                .store
                .classes_led_on(actor.account_id.get(), self.today())
                .await?;
            if !classes.is_empty() {
                return Ok(Some(classes));
            }
        }
        Err(AppError::Forbidden)
    }

    /// Whether the actor has a print queue at all (class teachers and administration).
    pub async fn has_print_queue(&self, actor: &Actor) -> AppResult<bool> {
        match self.letter_scope(actor).await {
            Ok(_) => Ok(true),
            Err(AppError::Forbidden) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Letters of the actor's queue: `pending` ones or already `printed` ones.
    pub async fn paper_letters(
        &self,
        actor: &Actor,
        status: &str,
    ) -> AppResult<Vec<PaperLetterRecord>> {
        let scope = self.letter_scope(actor).await?;
        let status = if status == "printed" {
            "printed"
        } else {
            "pending"
        };
        Ok(self
            .store
            .paper_letters(actor.organization_id.get(), status, scope.as_deref())
            .await?)
    }

    /// The pending letters of the actor's queue (those of `ids`, or all when empty) as one PDF.
    pub async fn print_letters(&self, actor: &Actor, ids: &[i64]) -> AppResult<Vec<u8>> {
        let letters: Vec<Letter> = self
            .paper_letters(actor, "pending")
            .await?
            .into_iter()
            .filter(|l| ids.is_empty() || ids.contains(&l.id))
            .map(|l| Letter {
                school: l.organization_name,
                recipient: l.recipient_name,
                author: l.author_name,
                date: l
                    .sent_at
                    .with_timezone(&chrono::Local)
                    .format("%d.%m.%Y")
                    .to_string(),
                subject: l.subject,
                text: if l.is_html {
                    crate::html::to_text(&l.body)
                } else {
                    l.body
                },
                portal_url: self.settings.public_url.clone(),
            })
            .collect();
        Ok(letters_pdf(&letters)?)
    }

    /// Marks letters of the actor's queue printed; returns how many.
    pub async fn mark_letters_printed(
        &self,
        actor: &Actor,
        ids: &[i64],
        origin: &Origin,
    ) -> AppResult<u64> {
        let mine: Vec<i64> = self
            .paper_letters(actor, "pending")
            .await?
            .iter()
            .map(|l| l.id)
            .filter(|id| ids.contains(id))
            .collect();
        let done = self
            .store
            .mark_letters_printed(actor.organization_id.get(), &mine, self.clock.now())
            .await?;
        if done > 0 {
            self.audit_change(
                actor,
                actor.organization_id,
                origin,
                "mail.letters_printed",
                format!("deliveries:{}", mine.len()),
                format!("{done}"),
            )
            .await;
        }
        Ok(done)
    }
}
