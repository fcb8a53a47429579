//! Writing the audit log from use cases.

use sgo_store::AuditEntry;

use crate::{App, Origin};

impl App {
    /// Records an event. A failure to audit is logged, not hidden, and does not undo the action.
    pub(crate) async fn record(
        &self,
        actor: Option<i64>,
        action: &str,
        target: String,
        origin: &Origin,
        result: &str,
        details: String,
    ) {
        let entry = AuditEntry {
            at: self.clock.now(),
            actor_account_id: actor,
            action: action.to_owned(),
            target,
            ip: origin.ip.clone(),
            result: result.to_owned(),
            details,
        };
        if let Err(e) = self.store.audit(&entry).await {
            tracing::error!(error = %e, action, "audit log write failed");
        }
    }
}
