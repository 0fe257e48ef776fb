-- A failed host's follow-up job: which attempt it is, what it retries, and when it may start.
ALTER TABLE backup_job ADD COLUMN attempt INT NOT NULL DEFAULT 0;
ALTER TABLE backup_job ADD COLUMN parent_job_id UUID REFERENCES backup_job (id);
ALTER TABLE backup_job ADD COLUMN not_before TIMESTAMPTZ;
