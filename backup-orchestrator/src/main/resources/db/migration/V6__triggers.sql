-- CloudEvents taken from ssis.triggers, by (source, id) as the spec identifies an event: a redelivered one is ignored.
CREATE TABLE trigger_event (
    source      TEXT        NOT NULL,
    id          TEXT        NOT NULL,
    type        TEXT        NOT NULL,
    subject     TEXT,
    received_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (source, id)
);
CREATE INDEX trigger_event_age ON trigger_event (received_at);

-- Triggered backups waiting out the coalescing window: one row per policy and host however many events arrive.
CREATE TABLE trigger_pending (
    policy_id UUID        NOT NULL REFERENCES policy (id) ON DELETE CASCADE,
    host_id   TEXT        NOT NULL,
    first_at  TIMESTAMPTZ NOT NULL,
    fire_at   TIMESTAMPTZ NOT NULL,
    events    INT         NOT NULL,
    PRIMARY KEY (policy_id, host_id)
);
CREATE INDEX trigger_pending_due ON trigger_pending (fire_at);
