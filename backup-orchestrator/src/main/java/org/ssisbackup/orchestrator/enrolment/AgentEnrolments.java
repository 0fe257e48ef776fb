package org.ssisbackup.orchestrator.enrolment;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.messaging.MessageHeaders;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.ssisbackup.contracts.AgentEnrolment;
import org.ssisbackup.contracts.AgentKind;
import org.ssisbackup.contracts.MalformedMessageException;
import org.ssisbackup.contracts.MessageMeta;
import org.ssisbackup.contracts.Topics;
import org.ssisbackup.orchestrator.OrchestratorProperties;
import org.ssisbackup.platform.messaging.AgentSigner;
import org.ssisbackup.platform.messaging.MessageSignature;

/**
 * Which agent keys the orchestrator trusts (ADR 0007). Every event and heartbeat carries its agent's public key and
 * signature; a message is acted on only when the signature is good and the key is the one enrolled for the message's
 * host and agent kind. The first key an agent shows is enrolled by itself under the {@code first-use} rule, or waits
 * for an operator under {@code approve}; a different key later always waits. Each decision is published, signed, on
 * {@link Topics#ENROLMENTS} for the catalog.
 */
@Service
public class AgentEnrolments {
    private static final Logger log = LoggerFactory.getLogger(AgentEnrolments.class);
    /** How long a trusted key is trusted without asking the database (a revocation elsewhere takes this long). */
    private static final Duration CACHED = Duration.ofMinutes(1);
    /** At most this many keys wait for an operator: forged keys cannot fill the table. */
    static final int MAX_PENDING = 10_000;

    private record Trusted(String fingerprint, Instant until) {}

    private final AgentKeyRepository keys;
    private final EnrolmentPublisher publisher;
    private final TransactionTemplate tx;
    private final OrchestratorProperties.Enrolment mode;
    private final java.util.concurrent.ExecutorService publishing;
    private final MeterRegistry registry;
    private final Map<String, Trusted> trusted = new ConcurrentHashMap<>();
    private final Map<String, Instant> pendingNoted = new ConcurrentHashMap<>();

    AgentEnrolments(
            AgentKeyRepository keys,
            EnrolmentPublisher publisher,
            PlatformTransactionManager transactions,
            OrchestratorProperties properties,
            MeterRegistry registry) {
        this.keys = keys;
        this.publisher = publisher;
        this.tx = new TransactionTemplate(transactions);
        this.mode = properties.enrolment();
        this.registry = registry;
        this.publishing = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "enrolment-publisher");
            t.setDaemon(true);
            return t;
        });
        for (String reason : List.of("unsigned", "bad_signature", "not_enrolled")) {
            registry.counter("ssis.orchestrator.agent.messages.refused", "reason", reason);
        }
        Gauge.builder("ssis.orchestrator.agent.keys.pending", keys, AgentKeyRepository::pendingCount)
                .description("agent keys waiting for an operator's approval")
                .register(registry);
    }

    /**
     * Whether the message (its value and headers, as received) comes from the enrolled key of that host's agent.
     * Throws {@link MalformedMessageException} (dead-lettered with the reason) when it is not signed or its signature
     * is false: no agent sends such a message. Returns false, having noted the key as pending, when it is signed by a
     * key not (yet) enrolled: the message is ignored.
     */
    public boolean trusts(String hostId, AgentKind agent, byte[] value, MessageHeaders headers) {
        AgentSigner signer;
        try {
            signer = AgentSigner.of(value, headers);
        } catch (AgentSigner.Refused e) {
            refused(e.metricReason());
            throw new MalformedMessageException(
                    "a message from host " + hostId + "'s " + agent + " agent " + e.getMessage() + ": refused");
        }
        String fingerprint = signer.fingerprint();
        String keyText = MessageSignature.encode(signer.key());
        String slot = AgentEnrolment.topicKey(hostId, agent);
        Trusted cached = trusted.get(slot);
        Instant now = Instant.now();
        if (cached != null
                && cached.fingerprint().equals(fingerprint)
                && cached.until().isAfter(now)) {
            return true;
        }
        Optional<AgentKey> enrolled = keys.enrolled(hostId, agent);
        if (enrolled.isEmpty()
                && mode == OrchestratorProperties.Enrolment.FIRST_USE
                && enrolFirst(hostId, agent, fingerprint, keyText)) {
            enrolled = keys.enrolled(hostId, agent);
        }
        if (enrolled.isPresent() && enrolled.get().fingerprint().equals(fingerprint)) {
            trusted.put(slot, new Trusted(fingerprint, now.plus(CACHED)));
            return true;
        }
        trusted.remove(slot);
        notePending(hostId, agent, fingerprint, keyText, enrolled.map(AgentKey::fingerprint));
        refused("not_enrolled");
        return false;
    }

    private boolean enrolFirst(String hostId, AgentKind agent, String fingerprint, String publicKey) {
        List<String> others = keys.otherHostsOf(fingerprint, hostId);
        if (!others.isEmpty()) {
            log.warn(
                    "host {}'s {} agent shows key {}, which is enrolled for host {}: one key, one host; not enrolled",
                    hostId,
                    agent,
                    fingerprint,
                    others.get(0));
            return false;
        }
        if (!keys.enrolFirst(hostId, agent, fingerprint, publicKey)) {
            return false; // another key (or this one, by another thread) was enrolled first: read again
        }
        log.info("enrolled host {}'s {} agent key {} on first use", hostId, agent, fingerprint);
        // Off the consumer thread: a broker that is away delays the catalog's word, never this message.
        publishing.execute(this::publishDecisions);
        return true;
    }

    private void notePending(
            String hostId, AgentKind agent, String fingerprint, String publicKey, Optional<String> enrolled) {
        String slot = AgentEnrolment.topicKey(hostId, agent) + "/" + fingerprint;
        Instant now = Instant.now();
        Instant last = pendingNoted.get(slot);
        if (last != null && last.isAfter(now.minus(CACHED))) {
            return; // noted within the last minute: one row write per key per minute at most
        }
        if (pendingNoted.size() > MAX_PENDING) {
            pendingNoted.clear();
        }
        pendingNoted.put(slot, now);
        if (keys.find(hostId, agent, fingerprint).isEmpty() && keys.pendingCount() >= MAX_PENDING) {
            log.warn(
                    "{} agent keys wait for approval already; key {} of host {}'s {} agent not recorded",
                    MAX_PENDING,
                    fingerprint,
                    hostId,
                    agent);
            return;
        }
        keys.notePending(hostId, agent, fingerprint, publicKey);
        log.warn(
                "host {}'s {} agent signs with key {}, which is not enrolled{}: its messages are ignored until an"
                        + " admin approves it (POST /api/v1/admin/agents/{}/{}/approve)",
                hostId,
                agent,
                fingerprint,
                enrolled.map(f -> " (the host's enrolled key is " + f + ")").orElse(""),
                hostId,
                agent);
    }

    /** An admin trusts this key for the host's agent from now on (replacing the key enrolled before, if any). */
    public AgentKey approve(String hostId, AgentKind agent, String fingerprint, String by) {
        AgentKey row = keys.find(hostId, agent, fingerprint)
                .orElseThrow(() -> new IllegalArgumentException("host " + hostId + "'s " + agent
                        + " agent has shown no key " + fingerprint + " (GET /api/v1/agents lists the keys seen)"));
        List<String> others = keys.otherHostsOf(fingerprint, hostId);
        if (!others.isEmpty()) {
            throw new IllegalStateException(
                    "key " + fingerprint + " is enrolled for host " + others.get(0) + ": one key, one host");
        }
        tx.executeWithoutResult(s -> keys.enrol(hostId, agent, row.fingerprint(), by));
        trusted.remove(AgentEnrolment.topicKey(hostId, agent));
        log.info("{} approved host {}'s {} agent key {}", by, hostId, agent, fingerprint);
        publishDecisions();
        return keys.find(hostId, agent, fingerprint).orElseThrow();
    }

    /** An admin trusts the host's agent no more (a decommissioned or compromised host); false when none was enrolled. */
    public boolean revoke(String hostId, AgentKind agent, String by) {
        boolean revoked = keys.revoke(hostId, agent, by);
        trusted.remove(AgentEnrolment.topicKey(hostId, agent));
        if (revoked) {
            log.info("{} revoked host {}'s {} agent key", by, hostId, agent);
            publishDecisions();
        }
        return revoked;
    }

    public List<AgentKey> list(String state, String hostId, int offset, int limit) {
        return keys.list(state, hostId, offset, limit);
    }

    /**
     * Puts every decision not yet on the enrolments topic there; also every 30 s, so a decision made while the broker
     * was away reaches the catalog once it is back.
     */
    @Scheduled(fixedDelay = 30_000, initialDelay = 5_000)
    public synchronized void publishDecisions() {
        for (List<AgentKey> rows = keys.unpublished(500); !rows.isEmpty(); rows = keys.unpublished(500)) {
            for (AgentKey row : rows) {
                AgentKind agent = AgentKind.valueOf(row.agent());
                try {
                    publisher.publish(new AgentEnrolment(
                            new MessageMeta(
                                    MessageMeta.CURRENT_SCHEMA_VERSION,
                                    UUID.randomUUID(),
                                    UUID.randomUUID(),
                                    row.hostId(),
                                    Instant.now()),
                            agent,
                            AgentEnrolment.State.valueOf(row.state()),
                            row.publicKey(),
                            row.fingerprint()));
                } catch (RuntimeException e) {
                    log.warn(
                            "enrolment of host {}'s {} agent not published yet ({}); tried again in 30 s",
                            row.hostId(),
                            agent,
                            e.toString());
                    return;
                }
                keys.markPublished(row);
            }
        }
    }

    private void refused(String reason) {
        registry.counter("ssis.orchestrator.agent.messages.refused", "reason", reason)
                .increment();
    }
}
