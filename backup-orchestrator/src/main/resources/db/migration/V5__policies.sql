-- A policy: which hosts (label selector), what (scope), when (cron in a time zone), how long (retention, applied by
-- the catalog), how many at once (concurrency), how often a failed host is tried again (max_retries).
CREATE TABLE policy (
    id          UUID        PRIMARY KEY,
    name        TEXT        NOT NULL UNIQUE,
    selector    TEXT        NOT NULL DEFAULT '',
    scope       TEXT        NOT NULL,
    schedule    TEXT,
    time_zone   TEXT        NOT NULL DEFAULT 'UTC',
    retention   JSONB       NOT NULL,
    concurrency INT,
    max_retries INT         NOT NULL DEFAULT 0,
    enabled     BOOLEAN     NOT NULL DEFAULT TRUE,
    next_run_at TIMESTAMPTZ,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX policy_due ON policy (next_run_at) WHERE enabled;

ALTER TABLE backup_job ADD COLUMN policy_id UUID REFERENCES policy (id) ON DELETE SET NULL;
CREATE INDEX backup_job_policy ON backup_job (policy_id, created_at);
