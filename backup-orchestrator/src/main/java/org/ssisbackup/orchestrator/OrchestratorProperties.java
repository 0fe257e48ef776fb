package org.ssisbackup.orchestrator;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The orchestrator's settings under {@code ssisbackup.orchestrator}.
 *
 * @param agentTimeout how long an agent may take over its part of a job before it is TIMED_OUT
 * @param catalogUrl   where the catalog's REST API is (restores are checked against it)
 * @param missedBeats  how many of its heartbeat intervals an agent may stay silent before it counts as unreachable
 * @param maxConcurrentHosts at most this many hosts of the fleet back up at once; the others queue
 * @param retryDelay   how long after a failed job its failed hosts are tried again (policies with maxRetries)
 * @param agentTimeouts per agent kind, instead of {@code agentTimeout} (a native msdb backup may take longer than files)
 * @param catalogApiKey the key ({@code X-API-Key}) the catalog's queries take, when it has one (its read or admin key)
 * @param maxHostsPerJob at most this many hosts in one backup request (default 10,000)
 * @param signingKeyFile the file holding the Ed25519 key commands are signed with (base64 PKCS#8)
 * @param signingKey     or that key itself (from an environment variable)
 * @param enrolment      how a new agent's key becomes trusted: {@code first-use} (the default) or {@code approve}
 * @param unreachableGrace how long after its missed beats an agent's open parts wait before they end FAILED ("agent
 *                       unreachable"; default 10 min)
 */
@ConfigurationProperties("ssisbackup.orchestrator")
public record OrchestratorProperties(
        Duration agentTimeout,
        String catalogUrl,
        Integer missedBeats,
        Integer maxConcurrentHosts,
        Duration retryDelay,
        java.util.Map<org.ssisbackup.contracts.AgentKind, Duration> agentTimeouts,
        String catalogApiKey,
        Integer maxHostsPerJob,
        java.nio.file.Path signingKeyFile,
        String signingKey,
        Enrolment enrolment,
        Duration unreachableGrace) {

    /** How a new agent's first key becomes trusted (ADR 0007). */
    public enum Enrolment {
        /** The first key an agent shows is enrolled (trust on first use, as ssh does). */
        FIRST_USE,
        /** Every key waits for an admin's approval. */
        APPROVE
    }

    public OrchestratorProperties {
        enrolment = enrolment == null ? Enrolment.FIRST_USE : enrolment;
        unreachableGrace = unreachableGrace == null ? Duration.ofMinutes(10) : unreachableGrace;
        maxHostsPerJob = maxHostsPerJob == null || maxHostsPerJob < 1 ? 10_000 : maxHostsPerJob;
        agentTimeouts = agentTimeouts == null ? java.util.Map.of() : java.util.Map.copyOf(agentTimeouts);
        retryDelay = retryDelay == null ? Duration.ofMinutes(5) : retryDelay;
        maxConcurrentHosts = maxConcurrentHosts == null || maxConcurrentHosts < 1 ? 200 : maxConcurrentHosts;
        missedBeats = missedBeats == null || missedBeats < 1 ? 3 : missedBeats;
        agentTimeout = agentTimeout == null ? Duration.ofHours(2) : agentTimeout;
        catalogUrl = catalogUrl == null ? "http://127.0.0.1:8084" : catalogUrl;
    }

    @Override
    public String toString() {
        return "OrchestratorProperties[agentTimeout=" + agentTimeout + ", catalogUrl=" + catalogUrl + ", missedBeats="
                + missedBeats + ", maxConcurrentHosts=" + maxConcurrentHosts + ", retryDelay=" + retryDelay
                + ", agentTimeouts=" + agentTimeouts + ", signingKeyFile=" + signingKeyFile + ", enrolment=" + enrolment
                + "]"; // never the key
    }

    /**
     * The key commands are signed with; a missing or unreadable one stops the orchestrator at start with what to set.
     */
    public java.security.PrivateKey commandSigningKey() {
        String text = signingKey;
        if ((text == null || text.isBlank())
                && signingKeyFile != null
                && !signingKeyFile.toString().isBlank()) {
            try {
                text = java.nio.file.Files.readString(signingKeyFile);
            } catch (java.io.IOException e) {
                throw new IllegalStateException("cannot read the command signing key " + signingKeyFile
                        + " (ORCHESTRATOR_SIGNING_KEY_FILE): " + e.getMessage());
            }
        }
        if (text == null || text.isBlank()) {
            throw new IllegalStateException("no command signing key: set ORCHESTRATOR_SIGNING_KEY_FILE (make one with"
                    + " 'ssis-backup keys new-signing --private-out orchestrator-signing.key' and give the agents the"
                    + " public key it prints as ORCHESTRATOR_PUBLIC_KEY)");
        }
        try {
            return org.ssisbackup.platform.messaging.MessageSignature.privateKey(text.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("the command signing key is not an Ed25519 private key (base64 PKCS#8)");
        }
    }

    /** How long an agent of this kind may take over its part of a job, from when its command is sent. */
    public Duration timeoutFor(org.ssisbackup.contracts.AgentKind agent) {
        return agentTimeouts.getOrDefault(agent, agentTimeout);
    }
}
