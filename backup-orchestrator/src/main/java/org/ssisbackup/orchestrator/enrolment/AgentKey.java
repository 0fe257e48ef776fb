package org.ssisbackup.orchestrator.enrolment;

import java.time.Instant;

/**
 * One agent key as the orchestrator knows it: ENROLLED (trusted for its host and agent kind), PENDING (seen, waiting
 * for an admin) or REVOKED; {@code published} when the decision is on the enrolments topic.
 */
public record AgentKey(
        String hostId,
        String agent,
        String fingerprint,
        String publicKey,
        String state,
        Instant firstSeen,
        Instant lastSeen,
        Instant decidedAt,
        String decidedBy,
        boolean published) {}
