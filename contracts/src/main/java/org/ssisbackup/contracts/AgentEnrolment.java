package org.ssisbackup.contracts;

/**
 * The orchestrator's word, on {@link Topics#ENROLMENTS} and signed with its key, that an agent's signing key belongs
 * to a host ({@code ENROLLED}) or no longer does ({@code REVOKED}). Keyed by {@link #topicKey}, on a compacted topic:
 * a reader that starts late still sees the last word on every agent. The catalog trusts an agent's events only under
 * a key enrolled here (ADR 0007).
 *
 * @param publicKey   the agent's Ed25519 public key, base64 X.509
 * @param fingerprint its SHA-256 fingerprint ({@code SHA256:...}), as people compare it
 */
public record AgentEnrolment(MessageMeta meta, AgentKind agent, State state, String publicKey, String fingerprint)
        implements VersionedMessage {

    /** Whether the key is trusted. */
    public enum State {
        ENROLLED,
        REVOKED
    }

    public AgentEnrolment {
        if (publicKey != null && publicKey.length() > 200) {
            throw new IllegalArgumentException("an enrolment's public key is at most 200 characters");
        }
        if (fingerprint != null && fingerprint.length() > 100) {
            throw new IllegalArgumentException("an enrolment's fingerprint is at most 100 characters");
        }
    }

    /** The record key: one host's agent of one kind. */
    public static String topicKey(String hostId, AgentKind agent) {
        return hostId + "/" + agent.name();
    }
}
