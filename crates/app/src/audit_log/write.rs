//! Writing the audit log (журнал изменений) from use cases.

use sgo_core::{AccountId, Actor, OrganizationId};
use sgo_store::AuditLogEntry;

use crate::{App, Origin};

impl App {
    /// Records an event. A failure to audit is logged, not hidden, and does not undo the action.
    pub(crate) async fn audit(
        &self,
        actor: Option<AccountId>,
        action: &str,
        target: String,
        origin: &Origin,
        result: &str,
        details: String,
    ) {
        self.write_audit(AuditLogEntry {
            at: self.clock.now(),
            actor_account_id: actor.map(AccountId::get),
            organization_id: None,
            action: action.to_owned(),
            target,
            ip: origin.ip.clone(),
            result: result.to_owned(),
            details,
        })
        .await;
    }

    /// A refused sign-in.
    pub(crate) async fn audit_refused_sign_in(
        &self,
        account: Option<AccountId>,
        target: String,
        origin: &Origin,
        details: String,
    ) {
        self.audit(account, "sign_in", target, origin, "refused", details)
            .await;
    }

    /// Records a change made by `actor` to data of `organization` for the audit log
    /// (журнал изменений): `action` is a dotted code such as `class.create`, `target` names the
    /// thing (`class:12`), `details` says what changed in words a person can read.
    pub(crate) async fn audit_change(
        &self,
        actor: &Actor,
        organization: OrganizationId,
        origin: &Origin,
        action: &str,
        target: String,
        details: String,
    ) {
        self.write_audit(AuditLogEntry {
            at: self.clock.now(),
            actor_account_id: Some(actor.account_id.get()),
            organization_id: Some(organization.get()),
            action: action.to_owned(),
            target,
            ip: origin.ip.clone(),
            result: "ok".to_owned(),
            details,
        })
        .await;
    }

    async fn write_audit(&self, entry: AuditLogEntry) {
        if let Err(e) = self.store.append_audit_log(&entry).await {
            tracing::error!(error = %e, action = entry.action, "audit log write failed");
        }
    }
}
