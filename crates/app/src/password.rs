//! Setting a password on an account: the argon2 hash and the sealed NetSchool verifier together.

use std::sync::{Arc, LazyLock, Mutex, mpsc};

use sgo_auth::{legacy, password};
use sgo_core::AccountId;
use tokio::sync::oneshot;

use crate::{App, AppError, AppResult};

/// Argon2 runs on threads of their own, one per core, in order of arrival. Each run holds about
/// 19 MiB and 18 ms of a core; more runs than cores only share the cores while each keeps its
/// memory. And the allocator keeps a freed block of that size for the thread that used it: on
/// the shared blocking pool every thread that ever hashed would keep one (a sign-in storm grew
/// the server past 350 MiB); on these few threads it is a few blocks at most.
struct Argon2Threads {
    jobs: Mutex<mpsc::Sender<Box<dyn FnOnce() + Send>>>,
}

static ARGON2_THREADS: LazyLock<Argon2Threads> = LazyLock::new(|| {
    let (jobs, queue) = mpsc::channel::<Box<dyn FnOnce() + Send>>();
    let queue = Arc::new(Mutex::new(queue));
    for i in 0..std::thread::available_parallelism().map_or(2, |n| n.get()) {
        let queue = queue.clone();
        let spawned = std::thread::Builder::new()
            .name(format!("argon2-{i}"))
            .spawn(move || {
                loop {
                    let job = queue.lock().unwrap_or_else(|p| p.into_inner()).recv();
                    let Ok(job) = job else { return };
                    // A panicking run answers nobody (its caller sees `None`); the thread goes on.
                    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
                }
            });
        if let Err(e) = spawned {
            tracing::error!(error = %e, "cannot start an argon2 thread");
        }
    }
    Argon2Threads {
        jobs: Mutex::new(jobs),
    }
});

/// Runs a password hash or verification on the argon2 threads (`Argon2Threads`); `None` if it
/// could not run.
pub(crate) async fn argon2<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Option<T> {
    let (done, result) = oneshot::channel();
    let job = Box::new(move || {
        let _ = done.send(work());
    });
    ARGON2_THREADS
        .jobs
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .send(job)
        .ok()?;
    result.await.ok()
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
