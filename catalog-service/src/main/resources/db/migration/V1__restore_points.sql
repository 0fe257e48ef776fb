-- What each agent reported for a restore point (one row per agent; redelivery is a no-op).
CREATE TABLE agent_result (
    restore_point_id UUID        NOT NULL,
    agent            TEXT        NOT NULL,
    job_id           UUID        NOT NULL,
    host_id          TEXT        NOT NULL,
    job_agents       TEXT        NOT NULL,  -- comma-separated agent kinds taking part in the job
    outcome          TEXT        NOT NULL,
    artifact_count   BIGINT      NOT NULL,
    bytes_scanned    BIGINT      NOT NULL,
    bytes_uploaded   BIGINT      NOT NULL,
    manifest_key     TEXT,
    errors           JSONB       NOT NULL,
    finished_at      TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (restore_point_id, agent)
);

CREATE TABLE artifact (
    restore_point_id UUID   NOT NULL,
    agent            TEXT   NOT NULL,
    logical_path     TEXT   NOT NULL,
    kind             TEXT   NOT NULL,
    size             BIGINT NOT NULL,
    sha256           CHAR(64) NOT NULL,
    object_key       TEXT   NOT NULL,
    metadata         JSONB  NOT NULL,
    PRIMARY KEY (restore_point_id, agent, logical_path)
);
CREATE INDEX artifact_sha256 ON artifact (sha256);

-- A restore point exists once every agent of its job has finished.
CREATE TABLE restore_point (
    id             UUID        PRIMARY KEY,
    job_id         UUID        NOT NULL,
    host_id        TEXT        NOT NULL,
    status         TEXT        NOT NULL,
    artifact_count BIGINT      NOT NULL,
    total_bytes    BIGINT      NOT NULL,
    reasons        JSONB       NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL,
    recorded_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX restore_point_host_time ON restore_point (host_id, created_at DESC);
