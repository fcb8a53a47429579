//! Signing in and out, and turning a token back into an [`Actor`].

use std::sync::OnceLock;

use chrono::Duration;
use sgo_auth::{legacy, password, token};
use sgo_core::{AccountId, Actor, OrganizationId, text};
use sgo_store::{LoginTicket, NewSession, SessionRecord};

use crate::{App, AppError, AppResult, Origin};

/// How long a NetSchool challenge (lt, ver, salt) stays valid.
const TICKET_LIFETIME_MINUTES: i64 = 10;
/// Sessions are written back at most this often, so that reads do not all become writes.
const TOUCH_EVERY_SECONDS: i64 = 30;

/// Which door a session came through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    /// The HTML interface.
    Web,
    /// The NetSchool web API.
    WebApi,
}

impl Channel {
    fn code(self) -> &'static str {
        match self {
            Channel::Web => "web",
            Channel::WebApi => "webapi",
        }
    }
}

/// A new session: the token to hand to the client and who it belongs to.
#[derive(Debug, Clone)]
pub struct SignedIn {
    /// The opaque token (the `at` of NetSchool, the web session cookie).
    pub token: String,
    /// The actor the token stands for.
    pub actor: Actor,
    /// Signed in with a one-time password: a new one must be chosen before anything else.
    pub must_change_password: bool,
    /// A NetSchool login's new NSSESSIONID, generated here and bound to the session, for the
    /// answer's `Set-Cookie`: the pre-login value came from the client and is never trusted.
    pub ns_cookie: Option<String>,
}

/// The challenge a NetSchool client answers in its login form.
#[derive(Debug, Clone)]
pub struct Challenge {
    /// Login ticket.
    pub lt: String,
    /// Form version.
    pub ver: String,
    /// Salt for `pw2`.
    pub salt: String,
}

/// A NetSchool password login form, already parsed.
#[derive(Debug, Clone, Default)]
pub struct ChallengeAnswer {
    /// Organization id (`scid`).
    pub organization_id: Option<OrganizationId>,
    /// Login (`un`).
    pub login: String,
    /// Full hash (`pw2`).
    pub pw2: String,
    /// Truncated hash (`pw`), optional.
    pub pw: Option<String>,
    /// Ticket (`lt`).
    pub lt: String,
}

/// A fixed hash to verify against when the login is unknown, so that an unknown login costs
/// the same time as a wrong password and timing does not reveal which logins exist.
fn decoy_hash(app: &App) -> &'static str {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| {
        password::hash_password("decoy password", app.settings.password_cost).unwrap_or_default()
    })
}

impl App {
    /// Signs in with organization, login and password (the web form).
    pub async fn sign_in(
        &self,
        organization_id: OrganizationId,
        login: &str,
        password: &str,
        origin: &Origin,
    ) -> AppResult<SignedIn> {
        let organization_id = organization_id.get();
        let guard = self.guard_sign_in(organization_id, login, origin).await?;
        let creds = self
            .store
            .credentials(organization_id, &text::normalise(login))
            .await?;
        // The hash to check: the account's, or the decoy so that timing stays the same.
        let (phc, real) = match &creds {
            Some(c) if c.active => match &c.password_hash {
                Some(phc) => (phc.clone(), true),
                None => (decoy_hash(self).to_owned(), false),
            },
            _ => (decoy_hash(self).to_owned(), false),
        };
        let clear = password.to_owned();
        // Verification is the slow part of signing in; it runs off the async workers.
        let matched = crate::password::argon2(move || password::verify_password(&phc, &clear))
            .await
            .unwrap_or(false);
        let verified = real && matched;
        let known = creds.as_ref().map(|c| c.account_id);
        self.settle_sign_in(&guard, known, verified, origin).await?;
        let target = format!("organization:{organization_id} login:{login}");
        let must_change = creds.as_ref().is_some_and(|c| c.must_change_password);
        let account = creds.filter(|_| verified).map(|c| c.account_id);
        if let Some(id) = account {
            self.password_sign_in_allowed(id, &target, origin).await?;
        }
        let mut signed = self
            .conclude_sign_in(account, Channel::Web, None, target, origin)
            .await?;
        signed.must_change_password = must_change;
        Ok(signed)
    }

    /// Issues a NetSchool challenge bound to the client's pre-login cookie.
    pub async fn issue_challenge(&self, cookie: &str) -> AppResult<Challenge> {
        let now = self.clock.now();
        // Spent and abandoned challenges are swept here rather than by a timer: this is the only writer.
        self.store
            .delete_login_tickets_before(now - Duration::minutes(TICKET_LIFETIME_MINUTES))
            .await?;
        let ticket = LoginTicket {
            cookie_hash: token::hash_token(cookie),
            lt: token::random_digits(9),
            ver: token::random_digits(9),
            salt: token::random_digits(10),
            created_at: now,
        };
        self.store.create_login_ticket(&ticket).await?;
        Ok(Challenge {
            lt: ticket.lt,
            ver: ticket.ver,
            salt: ticket.salt,
        })
    }

    /// Checks a NetSchool challenge answer and opens a session bound to the cookie as well.
    pub async fn answer_challenge(
        &self,
        cookie: Option<&str>,
        answer: &ChallengeAnswer,
        origin: &Origin,
    ) -> AppResult<SignedIn> {
        if !self.settings.legacy_login {
            return Err(AppError::LoginRefused(msg!("sign-in-legacy-disabled")));
        }
        // Without a live challenge the client must start over; this wording makes clients retry.
        let retry = || AppError::LoginRefused(msg!("sign-in-failed"));
        let cookie = cookie.ok_or_else(retry)?;
        let cookie_hash = token::hash_token(cookie);
        let ticket = self
            .store
            .take_login_ticket(&cookie_hash, &answer.lt)
            .await?
            .ok_or_else(retry)?;
        if self.clock.now() - ticket.created_at > Duration::minutes(TICKET_LIFETIME_MINUTES) {
            return Err(retry());
        }
        let organization_id = answer
            .organization_id
            .ok_or(AppError::InvalidCredentials)?
            .get();
        let guard = self
            .guard_sign_in(organization_id, &answer.login, origin)
            .await?;
        let creds = self
            .store
            .credentials(organization_id, &text::normalise(&answer.login))
            .await?;
        let target = format!("organization:{organization_id} login:{}", answer.login);
        let ok = match &creds {
            Some(c) if c.active => c.legacy_verifier.as_deref().is_some_and(|sealed| {
                legacy::check_challenge(
                    &self.key,
                    sealed,
                    &ticket.salt,
                    &answer.pw2,
                    answer.pw.as_deref(),
                )
            }),
            _ => false,
        };
        let known = creds.as_ref().map(|c| c.account_id);
        self.settle_sign_in(&guard, known, ok, origin).await?;
        // A one-time password is only for the web form, which makes the person choose their own;
        // the clients cannot do that, so they are told where to go (after the password checked out).
        if let Some(c) = creds.as_ref().filter(|c| ok && c.must_change_password) {
            let details = "webapi: временный пароль не сменён".to_owned();
            self.audit_refused_sign_in(Some(AccountId::new(c.account_id)), target, origin, details)
                .await;
            return Err(AppError::LoginRefused(msg!(
                "sign-in-temporary-password-change-required"
            )));
        }
        let account = creds.filter(|_| ok).map(|c| c.account_id);
        if let Some(id) = account {
            self.password_sign_in_allowed(id, &target, origin).await?;
        }
        // A fresh id, not the client's: a value planted in a browser before the login (session
        // fixation) must not become a key to the session.
        let fresh = token::new_cookie_id();
        let mut signed = self
            .conclude_sign_in(
                account,
                Channel::WebApi,
                Some(token::hash_token(&fresh)),
                target,
                origin,
            )
            .await?;
        signed.ns_cookie = Some(fresh);
        Ok(signed)
    }

    /// Opens a session for a verified account, or refuses; either way the attempt is audited.
    async fn conclude_sign_in(
        &self,
        account: Option<i64>,
        channel: Channel,
        cookie_hash: Option<Vec<u8>>,
        target: String,
        origin: &Origin,
    ) -> AppResult<SignedIn> {
        let how = channel.code().to_owned();
        match account {
            Some(id) => {
                let signed = self.open_session(id, channel, cookie_hash, origin).await?;
                self.audit(
                    Some(AccountId::new(id)),
                    "sign_in",
                    target,
                    origin,
                    "ok",
                    how,
                )
                .await;
                Ok(signed)
            }
            None => {
                crate::operations::count_sign_in(crate::operations::SignInOutcome::Failed);
                self.audit_refused_sign_in(None, target, origin, how).await;
                Err(AppError::InvalidCredentials)
            }
        }
    }

    pub(crate) async fn open_session(
        &self,
        account_id: i64,
        channel: Channel,
        cookie_hash: Option<Vec<u8>>,
        origin: &Origin,
    ) -> AppResult<SignedIn> {
        let account = self
            .store
            .account(account_id)
            .await?
            .ok_or(AppError::InvalidCredentials)?;
        // Every door (password, NetSchool, ESIA, passkey) opens sessions here, so one account's
        // flood of sign-ins is stopped here.
        if let Err(e) = self
            .check_account_rate(AccountId::new(account_id), crate::rate::RateAction::SignIn)
            .await
        {
            if matches!(e, AppError::TooManyRequests { .. }) {
                crate::operations::count_sign_in(crate::operations::SignInOutcome::Limited);
                let details = format!("{}: слишком частые входы", channel.code());
                self.audit_refused_sign_in(
                    Some(AccountId::new(account_id)),
                    format!("account:{account_id}"),
                    origin,
                    details,
                )
                .await;
            }
            return Err(e);
        }
        let signed = self
            .start_session(
                account_id,
                account.organization_id,
                channel,
                cookie_hash,
                origin,
            )
            .await?;
        crate::operations::count_sign_in(crate::operations::SignInOutcome::Ok);
        Ok(signed)
    }

    /// Writes a new session row for an account already let in, and keeps the live-session cap.
    pub(crate) async fn start_session(
        &self,
        account_id: i64,
        organization_id: i64,
        channel: Channel,
        cookie_hash: Option<Vec<u8>>,
        origin: &Origin,
    ) -> AppResult<SignedIn> {
        let roles = self.store.account_roles(account_id).await?;
        let token = token::new_session_token();
        self.store
            .create_session(&NewSession {
                token_hash: token::hash_token(&token),
                cookie_hash,
                account_id,
                channel: channel.code().into(),
                now: self.clock.now(),
                ip: origin.ip.clone(),
                user_agent: origin.user_agent.chars().take(300).collect(),
            })
            .await?;
        self.cap_sessions(AccountId::new(account_id)).await?;
        Ok(SignedIn {
            token,
            actor: Actor::new(
                AccountId::new(account_id),
                OrganizationId::new(organization_id),
                roles,
            ),
            must_change_password: false,
            ns_cookie: None,
        })
    }

    /// The actor behind a session token. One cheap read per request even on a cache hit: the
    /// session must still exist (a sign-out on any node ends it), and the outbox is followed up
    /// to its head first, so any node's change to the account, or to data this process caches,
    /// that committed before this request is seen by it.
    pub async fn authenticate_token(&self, token: &str) -> AppResult<Authenticated> {
        let hash = token::hash_token(token);
        let now = self.clock.now();
        // A hit needs neither a touch nor an idle check: both are due only later than this.
        let idle = Duration::from_std(self.settings.session_idle).unwrap_or(Duration::minutes(15));
        let fresh = |hit: &crate::session_cache::Entry| {
            now - hit.last_seen_at <= idle.min(Duration::seconds(TOUCH_EVERY_SECONDS))
        };
        if let Some(hit) = self.sessions.get(&hash).filter(fresh) {
            let check = self
                .session_checks
                .check(self.store.as_ref(), hit.session_id)
                .await?;
            if !check.alive {
                self.sessions.forget(hit.session_id);
                return Err(AppError::Unauthenticated);
            }
            self.catch_up_to(check.outbox_head).await;
            // Following the outbox may have dropped the entry (the account's standing changed).
            if let Some(hit) = self.sessions.get(&hash).filter(fresh) {
                return Ok(Authenticated {
                    session_id: hit.session_id,
                    last_seen_at: hit.last_seen_at,
                    actor: hit.actor,
                    must_change_password: hit.must_change_password,
                });
            }
        }
        let generation = self.sessions.generation();
        let session = self.store.session_by_token(&hash).await?;
        let who = self.accept_session(session).await?;
        self.sessions.put(hash, &who, generation);
        Ok(who)
    }

    /// The actor behind a NSSESSIONID cookie that a NetSchool login bound to a session.
    pub async fn authenticate_cookie(&self, cookie: &str) -> AppResult<Authenticated> {
        let session = self
            .store
            .session_by_cookie(&token::hash_token(cookie))
            .await?;
        self.accept_session(session).await
    }

    async fn accept_session(&self, session: Option<SessionRecord>) -> AppResult<Authenticated> {
        let session = session.ok_or(AppError::Unauthenticated)?;
        // An API token opens only the open API (`authenticate_bearer`), never a page or the
        // NetSchool API: its scopes would not hold there. A calendar feed's secret opens only
        // its feed.
        if session.channel == sgo_store::API_CHANNEL
            || session.channel == sgo_store::CALENDAR_CHANNEL
        {
            return Err(AppError::Unauthenticated);
        }
        let now = self.clock.now();
        let idle = Duration::from_std(self.settings.session_idle).unwrap_or(Duration::minutes(15));
        if now - session.last_seen_at > idle || !session.account_active {
            self.store.delete_session(session.id).await?;
            return Err(AppError::Unauthenticated);
        }
        let mut last_seen_at = session.last_seen_at;
        if now - session.last_seen_at > Duration::seconds(TOUCH_EVERY_SECONDS) {
            self.store.touch_session(session.id, now).await?;
            last_seen_at = now;
        }
        // What this request reads next may be cached: follow other nodes' writes first.
        let check = self
            .session_checks
            .check(self.store.as_ref(), session.id)
            .await?;
        self.catch_up_to(check.outbox_head).await;
        let roles = self.store.account_roles(session.account_id).await?;
        let must_change_password = self
            .store
            .password_change_required(session.account_id)
            .await?;
        Ok(Authenticated {
            session_id: session.id,
            last_seen_at,
            actor: Actor::new(
                AccountId::new(session.account_id),
                OrganizationId::new(session.organization_id),
                roles,
            ),
            must_change_password,
        })
    }

    /// Ends a session.
    pub async fn sign_out(&self, who: &Authenticated, origin: &Origin) -> AppResult<()> {
        self.store.delete_session(who.session_id).await?;
        self.sessions.forget(who.session_id);
        self.audit(
            Some(who.actor.account_id),
            "sign_out",
            String::new(),
            origin,
            "ok",
            String::new(),
        )
        .await;
        Ok(())
    }

    /// Ends every session of an account at once (web, NetSchool and passkey sign-ins alike); the
    /// outbox row of that write makes this process forget them before answering, other processes
    /// stop trusting theirs within the cache's TTL.
    /// Called whenever the account's password or standing changes.
    pub(crate) async fn end_account_sessions(&self, account: i64) -> AppResult<u64> {
        let ended = self.store.delete_account_sessions(account).await?;
        self.catch_up().await;
        Ok(ended)
    }

    /// Ends every session idle longer than the timeout; run periodically by the server.
    pub async fn sweep_sessions(&self) -> AppResult<u64> {
        let idle = Duration::from_std(self.settings.session_idle).unwrap_or(Duration::minutes(15));
        Ok(self
            .store
            .delete_sessions_idle_since(self.clock.now() - idle)
            .await?)
    }

    /// The signed-in person's name and organization, for page headers and login responses.
    pub async fn whoami(&self, actor: &Actor) -> AppResult<Whoami> {
        let account = self
            .store
            .account(actor.account_id.get())
            .await?
            .ok_or(AppError::Unauthenticated)?;
        let organization = self
            .store
            .organization(account.organization_id)
            .await?
            .ok_or_else(|| AppError::NotFound(msg!("organization-not-found")))?;
        Ok(Whoami {
            account: account.into(),
            organization: organization.into(),
        })
    }
}

/// A live session and its actor.
#[derive(Debug, Clone)]
pub struct Authenticated {
    /// The session, for signing out.
    pub session_id: i64,
    /// Its last recorded activity.
    pub last_seen_at: chrono::DateTime<chrono::Utc>,
    /// Who it is.
    pub actor: Actor,
    /// The account still has a one-time password: every page but the password change is closed.
    pub must_change_password: bool,
}

/// The signed-in account and its organization.
#[derive(Debug, Clone)]
pub struct Whoami {
    /// The account with its person.
    pub account: crate::progress::OwnAccount,
    /// The organization.
    pub organization: crate::territory::Organization,
}
