-- A backup job: one request (REST, schedule, event) over one or more hosts.
CREATE TABLE backup_job (
    id          UUID        PRIMARY KEY,
    trigger     TEXT        NOT NULL,
    scope       TEXT        NOT NULL,  -- comma-separated BackupScope names
    state       TEXT        NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ
);
CREATE INDEX backup_job_state ON backup_job (state);

-- Spec and status of one agent's part of a job; changed only by events, terminal states never change.
CREATE TABLE job_agent (
    job_id           UUID        NOT NULL REFERENCES backup_job (id),
    host_id          TEXT        NOT NULL,
    agent            TEXT        NOT NULL,
    restore_point_id UUID        NOT NULL,
    state            TEXT        NOT NULL,
    deadline         TIMESTAMPTZ NOT NULL,
    artifact_count   BIGINT,
    bytes_scanned    BIGINT,
    bytes_uploaded   BIGINT,
    errors           JSONB       NOT NULL DEFAULT '[]',
    updated_at       TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (job_id, host_id, agent)
);
CREATE INDEX job_agent_open ON job_agent (state, deadline);
CREATE INDEX job_agent_host ON job_agent (host_id);
