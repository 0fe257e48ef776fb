-- The agents' keys the orchestrator enrolled (ADR 0007), from ssis.agent.enrolments: one per host and agent kind.
CREATE TABLE agent_key (
    host_id TEXT NOT NULL,
    agent TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    public_key TEXT NOT NULL,
    enrolled_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (host_id, agent)
);
-- Events signed by a key not (yet) enrolled: kept in arrival order until their key's enrolment arrives (then recorded)
-- or for the hold time (then dropped). Nothing is recorded from them before.
CREATE TABLE held_agent_event (
    id BIGSERIAL PRIMARY KEY,
    host_id TEXT NOT NULL,
    agent TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    body BYTEA NOT NULL,
    received_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX held_agent_event_by_key ON held_agent_event (host_id, agent, fingerprint, id);
CREATE INDEX held_agent_event_by_age ON held_agent_event (received_at);
