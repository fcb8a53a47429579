-- Jobs any node can run. A job is claimed under a lease: `node` names the claiming process (a
-- new name each start) and `lease_until` says until when it is that process's alone; the holder
-- renews it while it works. A job whose lease ran out belongs to nobody and is claimed again by
-- any node; `attempts` counts the claims, so a job that keeps killing its builders is failed
-- instead of handed on forever.
ALTER TABLE report_jobs ADD COLUMN lease_until TIMESTAMPTZ;
ALTER TABLE report_jobs ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
-- Queued jobs have no holder.
UPDATE report_jobs SET node = '' WHERE state = 'queued';
CREATE INDEX report_jobs_claimable ON report_jobs(state, id);

-- An import batch being written: its holder and lease, like report jobs.
ALTER TABLE import_batches ADD COLUMN node TEXT NOT NULL DEFAULT '';
ALTER TABLE import_batches ADD COLUMN lease_until TIMESTAMPTZ;
ALTER TABLE import_batches ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
