-- The fleet, from agent heartbeats: every host with its labels, and each of its agents with when it was last heard.
CREATE TABLE host (
    host_id    TEXT        PRIMARY KEY,
    labels     JSONB       NOT NULL DEFAULT '{}',
    first_seen TIMESTAMPTZ NOT NULL
);
CREATE INDEX host_labels ON host USING gin (labels);

CREATE TABLE host_agent (
    host_id      TEXT        NOT NULL REFERENCES host (host_id),
    agent        TEXT        NOT NULL,
    version      TEXT        NOT NULL,
    capabilities JSONB       NOT NULL,
    run_id       UUID        NOT NULL,  -- the agent process's run; a new one means it restarted
    interval_ms  BIGINT      NOT NULL,
    started_at   TIMESTAMPTZ NOT NULL,  -- when this run was first heard
    last_seen    TIMESTAMPTZ NOT NULL,  -- the orchestrator's clock, not the agent's
    PRIMARY KEY (host_id, agent)
);

CREATE INDEX job_agent_host_time ON job_agent (host_id, updated_at);
