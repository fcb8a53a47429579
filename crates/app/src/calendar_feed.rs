//! The diary as a calendar: an iCalendar feed per person at a secret address that calendar
//! programs poll — lessons with room and teacher, homework on its due date, holidays — for the
//! students whose diaries the person reads.
//!
//! A feed is a session of its own kind (channel `calendar`), so «Завершить все сеансы», a
//! password change and deactivation end it with no code of their own; its secret is kept sealed
//! with the server key, so that the person can be shown their address again.

use std::collections::HashMap;

use chrono::{Duration, NaiveDate};
use sgo_auth::token;
use sgo_core::icalendar::{self, Event, When};
use sgo_core::{AccountId, Actor, OrganizationId, StudentId};
use sgo_store::NewSession;

use crate::{App, AppError, AppResult, Origin};

/// The part of the feed's address that marks it as ours (the secret follows).
pub const FEED_PREFIX: &str = "sgo_cal_";

/// Days of lessons before today the feed carries.
const DAYS_BEFORE: i64 = 14;
/// Days of lessons after today the feed carries.
const DAYS_AFTER: i64 = 56;
/// The span read at a time (the diary reads at most 62 days at once).
const CHUNK_DAYS: i64 = 35;

impl App {
    /// The secret of the actor's calendar feed, made on first asking.
    pub async fn calendar_feed_secret(&self, actor: &Actor, origin: &Origin) -> AppResult<String> {
        let account = actor.account_id;
        if let Some(sealed) = self.store.calendar_feed_of(account.get()).await? {
            if let Some(secret) = self.key.open_text(&sealed) {
                return Ok(secret);
            }
            // Sealed under a server key that was since replaced: the address cannot be shown
            // again, so it is replaced by a new one.
            tracing::warn!(
                account = account.get(),
                "a calendar feed sealed under another server key is replaced"
            );
            self.store.delete_calendar_feed(account.get()).await?;
        }
        let secret = format!("{FEED_PREFIX}{}", token::new_session_token());
        let session = NewSession {
            token_hash: token::hash_token(&secret),
            cookie_hash: None,
            account_id: account.get(),
            channel: sgo_store::CALENDAR_CHANNEL.into(),
            now: self.clock.now(),
            ip: origin.ip.clone(),
            user_agent: origin.user_agent.chars().take(300).collect(),
        };
        let sealed = self
            .store
            .create_calendar_feed(&session, &self.key.seal_text(&secret))
            .await?;
        self.audit(
            Some(account),
            "calendar.create",
            format!("account:{account}"),
            origin,
            "ok",
            String::new(),
        )
        .await;
        // Two first requests at once: both answer the feed that was stored.
        self.open_feed_secret(&sealed)
    }

    /// The secret of the actor's calendar feed, if they have one that can be shown (one sealed
    /// under a replaced server key cannot: asking for a feed replaces it).
    pub async fn calendar_feed_secret_if_any(&self, actor: &Actor) -> AppResult<Option<String>> {
        Ok(self
            .store
            .calendar_feed_of(actor.account_id.get())
            .await?
            .and_then(|sealed| self.key.open_text(&sealed)))
    }

    fn open_feed_secret(&self, sealed: &str) -> AppResult<String> {
        self.key.open_text(sealed).ok_or_else(|| {
            AppError::Store(sgo_store::StoreError::Corrupt(
                "a calendar feed's secret does not open with the server key".into(),
            ))
        })
    }

    /// Ends the actor's feed: its address stops working on every node; the next asking makes a
    /// new one.
    pub async fn revoke_calendar_feed(&self, actor: &Actor, origin: &Origin) -> AppResult<bool> {
        let account = actor.account_id;
        let done = self.store.delete_calendar_feed(account.get()).await?;
        if done {
            self.audit(
                Some(account),
                "calendar.revoke",
                format!("account:{account}"),
                origin,
                "ok",
                String::new(),
            )
            .await;
        }
        Ok(done)
    }

    /// The feed at the address with `secret`, as iCalendar text; "not found" for an unknown,
    /// revoked or ended one, or a deactivated account.
    pub async fn calendar_feed(&self, secret: &str, origin: &Origin) -> AppResult<String> {
        let missing = || AppError::NotFound(msg!("calendar-feed-not-found"));
        if !secret.starts_with(FEED_PREFIX) {
            return Err(missing());
        }
        let grant = self
            .store
            .calendar_feed_by_hash(&token::hash_token(secret))
            .await?
            .ok_or_else(missing)?;
        if !grant.account_active {
            return Err(missing());
        }
        let roles = self.store.account_roles(grant.account_id).await?;
        // The person's own rights decide what the feed shows, as on every door.
        let actor = Actor::new(
            AccountId::new(grant.account_id),
            OrganizationId::new(grant.organization_id),
            roles,
        );
        let today = self.today();
        let from = today - Duration::days(DAYS_BEFORE);
        let to = today + Duration::days(DAYS_AFTER);
        let students = self.diary_students(&actor).await?;
        let several = students.len() > 1;
        let mut events = Vec::new();
        let mut schools = Vec::new();
        for student in &students {
            let who = if several {
                format!("{}: ", first_name(&student.display_name))
            } else {
                String::new()
            };
            self.student_events(
                &actor,
                student.account_id,
                &who,
                from,
                to,
                origin,
                &mut events,
            )
            .await?;
            if !schools.contains(&student.organization_id) {
                schools.push(student.organization_id);
            }
        }
        for school in schools {
            let Some(year) = self.store.current_year(school.get(), today).await? else {
                continue;
            };
            for h in self.store.holidays(year.id).await? {
                events.push(Event {
                    uid: format!("holiday-{}@sgo", h.id),
                    when: When::Days(h.start_date, h.end_date),
                    summary: format!("Каникулы: {}", h.name),
                    location: String::new(),
                    description: String::new(),
                });
            }
        }
        Ok(icalendar::calendar("Дневник", self.clock.now(), &events))
    }

    /// The lessons and homework of one student between `from` and `to`.
    #[allow(clippy::too_many_arguments)]
    async fn student_events(
        &self,
        actor: &Actor,
        student: StudentId,
        who: &str,
        from: NaiveDate,
        to: NaiveDate,
        origin: &Origin,
        events: &mut Vec<Event>,
    ) -> AppResult<()> {
        let mut start = from;
        while start <= to {
            let end = (start + Duration::days(CHUNK_DAYS - 1)).min(to);
            let week = self.diary_week(actor, student, start, end, origin).await?;
            let lessons: Vec<_> = week.days.iter().flat_map(|d| &d.lessons).collect();
            let ids: Vec<i64> = lessons.iter().map(|l| l.lesson.lesson_id.get()).collect();
            let teachers: HashMap<i64, String> = self
                .store
                .lesson_teachers(&ids)
                .await?
                .into_iter()
                .map(|t| (t.id, t.name))
                .collect();
            for l in lessons {
                let s = &l.lesson;
                let mut description = Vec::new();
                if let Some(teacher) = teachers.get(&s.lesson_id.get()) {
                    description.push(format!("Учитель: {teacher}"));
                }
                if !s.topic.is_empty() {
                    description.push(format!("Тема: {}", s.topic));
                }
                events.push(Event {
                    uid: format!("lesson-{}-{}@sgo", s.lesson_id, student),
                    when: When::Span(s.date.and_time(s.start_time), s.date.and_time(s.end_time)),
                    summary: format!("{who}{}", s.subject_name),
                    location: s.room.clone(),
                    description: description.join("\n"),
                });
                for a in &l.assignments {
                    events.push(Event {
                        uid: format!("assignment-{}-{}@sgo", a.assignment_id, student),
                        when: When::Days(a.due_date, a.due_date),
                        summary: format!("{who}{}: {}", a.subject_name, a.title),
                        location: String::new(),
                        description: format!("{}. {}", a.type_name, a.description)
                            .trim_end_matches([' ', '.'])
                            .to_owned(),
                    });
                }
            }
            start = end + Duration::days(1);
        }
        Ok(())
    }
}

/// The given name of «Фамилия Имя»: enough to tell a parent's children apart.
fn first_name(display_name: &str) -> &str {
    display_name
        .split_whitespace()
        .nth(1)
        .unwrap_or(display_name)
}
