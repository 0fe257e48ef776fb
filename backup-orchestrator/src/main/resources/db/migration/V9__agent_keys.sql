-- Agents' signing keys (ADR 0007). An ENROLLED key is trusted for its host and agent kind (one at a time); a PENDING
-- one was seen and waits for an operator (or was refused as a second key); a REVOKED one is trusted no more.
-- 'published': the enrolment (or revocation) is on ssis.agent.enrolments, where the catalog reads it.
CREATE TABLE agent_key (
    host_id TEXT NOT NULL,
    agent TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    public_key TEXT NOT NULL,
    state TEXT NOT NULL,
    first_seen TIMESTAMPTZ NOT NULL,
    last_seen TIMESTAMPTZ NOT NULL,
    decided_at TIMESTAMPTZ,
    decided_by TEXT,
    published BOOLEAN NOT NULL DEFAULT false,
    PRIMARY KEY (host_id, agent, fingerprint)
);
CREATE UNIQUE INDEX agent_key_one_enrolled ON agent_key (host_id, agent) WHERE state = 'ENROLLED';
CREATE INDEX agent_key_by_fingerprint ON agent_key (fingerprint) WHERE state = 'ENROLLED';
CREATE INDEX agent_key_unpublished ON agent_key (host_id) WHERE NOT published;
