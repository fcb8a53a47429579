//! Setting a password on an account: the argon2 hash and the sealed NetSchool verifier together.

use std::sync::LazyLock;

use sgo_auth::{legacy, password};
use sgo_core::AccountId;
use tokio::sync::Semaphore;

use crate::{App, AppError, AppResult};

/// Argon2 runs at once, at most: one per core. Each run holds about 19 MiB and 18 ms of a core;
/// more runs than cores only share the cores while each keeps its memory, so a storm of sign-ins
/// would grow the server without signing anyone in sooner. They wait for a turn here instead, in
/// order of arrival.
static ARGON2_TURNS: LazyLock<Semaphore> =
    LazyLock::new(|| Semaphore::new(std::thread::available_parallelism().map_or(2, |n| n.get())));

/// Runs a password hash or verification off the async workers, in its turn (`ARGON2_TURNS`);
/// `None` if the blocking task failed.
pub(crate) async fn argon2<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Option<T> {
    // The semaphore is never closed, so a permit always comes.
    let _turn = ARGON2_TURNS.acquire().await.ok();
    tokio::task::spawn_blocking(work).await.ok()
}

/// Shortest password a person may choose (one-time passwords are generated, 8 characters).
pub const MIN_PASSWORD_LEN: usize = 8;

/// What is wrong with a new password and its repetition, by the rules of every password form
/// (the change page and the recovery link); `names` are the person's last and first names: as (field, message), or `None` when it will do.
pub(crate) fn new_password_problem(
    login: &str,
    names: &[&str],
    new: &str,
    repeat: &str,
) -> Option<(&'static str, crate::Message)> {
    if let Some(problem) =
        sgo_core::settings::new_password_problem(login, names, new, repeat, MIN_PASSWORD_LEN)
    {
        return Some(problem);
    }
    if legacy::verifier(new).is_none() {
        return Some(("new_password", msg!("password-characters-unsupported")));
    }
    None
}

impl App {
    /// Stores `password` for the account; `must_change` forces a new one at the next sign-in
    /// (one-time passwords from credential sheets). The clear password is neither kept nor logged.
    pub(crate) async fn store_password(
        &self,
        account: AccountId,
        password: &str,
        must_change: bool,
    ) -> AppResult<()> {
        // Argon2 is deliberately slow: it runs off the async workers so that a class's credential
        // sheet does not hold up everyone else's requests.
        let cost = self.settings.password_cost;
        let clear = password.to_owned();
        let hash = argon2(move || password::hash_password(&clear, cost))
            .await
            .ok_or_else(|| sgo_auth::AuthError::Hash("the hashing task failed".into()))??;
        // A password outside cp1251 cannot be typed into the NetSchool clients at all; such an
        // account simply has no verifier and signs in through the web form.
        let verifier = legacy::seal_verifier(&self.key, password);
        if self
            .store
            .set_password(account.get(), &hash, verifier.as_deref(), must_change)
            .await?
        {
            Ok(())
        } else {
            Err(AppError::NotFound(msg!("account-not-found")))
        }
    }

    /// Issues a new one-time password to the account and returns it, for printing only.
    pub(crate) async fn issue_one_time_password(&self, account: AccountId) -> AppResult<String> {
        let password = sgo_auth::token::one_time_password();
        self.store_password(account, &password, true).await?;
        Ok(password)
    }
}
