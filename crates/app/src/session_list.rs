//! A person's own sessions: the list on their sessions page, ending one, ending all others.

use chrono::{DateTime, Duration, Utc};
use sgo_core::policy::may_end_session;
use sgo_core::protection::short_user_agent;
use sgo_core::{AccountId, SessionId};

use crate::session::Authenticated;
use crate::{App, AppError, AppResult, Origin};

/// One of my sessions as the sessions page shows it.
#[derive(Debug, Clone)]
pub struct SessionView {
    /// Its id, for ending it.
    pub id: SessionId,
    /// Where it came from, in words: «Сайт» or «Мобильное приложение (API)».
    pub channel: &'static str,
    /// When it began.
    pub created_at: DateTime<Utc>,
    /// Its last request (recorded at most every half minute).
    pub last_seen_at: DateTime<Utc>,
    /// The client address.
    pub ip: String,
    /// The browser or client, shortened.
    pub client: String,
    /// This is the session asking.
    pub current: bool,
}

fn channel_title(code: &str) -> &'static str {
    match code {
        "web" => "Сайт",
        "webapi" => "Мобильное приложение (API)",
        _ => "Другой способ входа",
    }
}

impl App {
    /// My live sessions, the current one first.
    pub async fn my_sessions(&self, who: &Authenticated) -> AppResult<Vec<SessionView>> {
        let idle = Duration::from_std(self.settings.session_idle).unwrap_or(Duration::minutes(15));
        let since = self.clock.now() - idle;
        let mut list: Vec<SessionView> = self
            .store
            .account_sessions(who.actor.account_id.get(), since)
            .await?
            .into_iter()
            .filter(|s| may_end_session(&who.actor, AccountId::new(s.account_id)))
            .map(|s| SessionView {
                id: SessionId::new(s.id),
                channel: channel_title(&s.channel),
                created_at: s.created_at,
                last_seen_at: s.last_seen_at,
                ip: s.ip,
                client: short_user_agent(&s.user_agent),
                current: s.id == who.session_id,
            })
            .collect();
        list.sort_by_key(|s| !s.current);
        Ok(list)
    }

    /// Ends one of my sessions. Someone else's session is "not found": its id says nothing.
    pub async fn end_session(
        &self,
        who: &Authenticated,
        origin: &Origin,
        session_id: SessionId,
    ) -> AppResult<()> {
        let session_id = session_id.get();
        let me = who.actor.account_id.get();
        let mine = self
            .store
            .account_sessions(me, DateTime::<Utc>::UNIX_EPOCH)
            .await?
            .into_iter()
            .find(|s| s.id == session_id);
        let not_found = || AppError::NotFound(msg!("session-not-found"));
        let session = mine.ok_or_else(not_found)?;
        if !may_end_session(&who.actor, AccountId::new(session.account_id)) {
            return Err(not_found());
        }
        if !self.store.delete_account_session(me, session_id).await? {
            return Err(not_found());
        }
        self.sessions.forget(session_id);
        self.audit(
            Some(AccountId::new(me)),
            "session.end",
            format!("session:{session_id}"),
            origin,
            "ok",
            format!(
                "{}, {}, {}",
                channel_title(&session.channel),
                session.ip,
                short_user_agent(&session.user_agent)
            ),
        )
        .await;
        Ok(())
    }

    /// Ends every session of mine but this one; returns how many ended.
    pub async fn end_other_sessions(&self, who: &Authenticated, origin: &Origin) -> AppResult<u64> {
        let me = who.actor.account_id.get();
        let others: Vec<i64> = self
            .store
            .account_sessions(me, DateTime::<Utc>::UNIX_EPOCH)
            .await?
            .into_iter()
            .map(|s| s.id)
            .filter(|id| *id != who.session_id)
            .collect();
        let ended = self.store.delete_other_sessions(me, who.session_id).await?;
        for id in others {
            self.sessions.forget(id);
        }
        self.audit_sessions_ended(me, "session.end_others", origin, ended)
            .await;
        Ok(ended)
    }

    /// Ends every session of mine, this one included, on every channel (web, NetSchool,
    /// passkey and ESIA sign-ins); returns how many ended. For «Завершить все сеансы»: someone
    /// who fears their account is used elsewhere ends everything and signs in anew.
    pub async fn end_all_my_sessions(
        &self,
        who: &Authenticated,
        origin: &Origin,
    ) -> AppResult<u64> {
        let me = who.actor.account_id.get();
        let ended = self.end_account_sessions(me).await?;
        self.audit_sessions_ended(me, "session.end_all", origin, ended)
            .await;
        Ok(ended)
    }

    async fn audit_sessions_ended(&self, me: i64, action: &str, origin: &Origin, ended: u64) {
        let details = format!("завершено сеансов: {ended}");
        let target = format!("account:{me}");
        self.audit(
            Some(AccountId::new(me)),
            action,
            target,
            origin,
            "ok",
            details,
        )
        .await;
    }
}
