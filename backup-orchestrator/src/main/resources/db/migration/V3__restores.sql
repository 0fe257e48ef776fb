-- A restore: one restore point onto one target host, one row per agent kind taking part.
CREATE TABLE restore_job (
    id               UUID        PRIMARY KEY,
    restore_point_id UUID        NOT NULL,
    source_host      TEXT        NOT NULL,
    target_host      TEXT        NOT NULL,
    request          JSONB       NOT NULL,
    state            TEXT        NOT NULL,
    created_at       TIMESTAMPTZ NOT NULL,
    finished_at      TIMESTAMPTZ
);

CREATE TABLE restore_agent (
    job_id     UUID        NOT NULL REFERENCES restore_job (id),
    agent      TEXT        NOT NULL,
    state      TEXT        NOT NULL,
    deadline   TIMESTAMPTZ NOT NULL,
    result     JSONB,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (job_id, agent)
);
CREATE INDEX restore_agent_open ON restore_agent (state, deadline);
