-- The change log (журнал изменений) is the audit log filtered by organization: each entry says
-- which organization's data it concerns, so a school administrator sees their school only.
ALTER TABLE audit_log ADD COLUMN organization_id BIGINT;
CREATE INDEX audit_log_organization ON audit_log(organization_id, at);
