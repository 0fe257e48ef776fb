package org.ssisbackup.catalog.trust;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.messaging.MessageHeaders;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.ssisbackup.catalog.CatalogProperties;
import org.ssisbackup.catalog.record.RestorePointRecorder;
import org.ssisbackup.contracts.AgentEnrolment;
import org.ssisbackup.contracts.AgentEvent;
import org.ssisbackup.contracts.AgentKind;
import org.ssisbackup.contracts.MalformedMessageException;
import org.ssisbackup.contracts.MessageCodec;
import org.ssisbackup.contracts.Topics;
import org.ssisbackup.platform.messaging.AgentSigner;
import org.ssisbackup.platform.messaging.MessageSignature;

/**
 * The catalog records an agent's events only under the key the orchestrator enrolled for that host and agent kind
 * (ADR 0007): a compromised SSIS server cannot forge another host's restore points. The orchestrator's enrolments
 * arrive signed on {@link Topics#ENROLMENTS}; an event of a key not (yet) enrolled is held, in order, until its
 * enrolment arrives (then recorded) or for the hold time (then dropped and counted): a first backup that beats its
 * agent's enrolment to the catalog loses nothing, and a forged event is never recorded.
 */
@Service
public class AgentTrust {
    private static final Logger log = LoggerFactory.getLogger(AgentTrust.class);
    private static final Duration CACHED = Duration.ofMinutes(1);

    private record Trusted(String fingerprint, Instant until) {}

    private final AgentKeyRepository keys;
    private final RestorePointRecorder recorder;
    private final org.ssisbackup.catalog.drill.DrillRecorder drills;
    private final PublicKey orchestratorKey;
    private final CatalogProperties.Trust settings;
    private final MeterRegistry registry;
    private final Map<String, Trusted> trusted = new ConcurrentHashMap<>();

    AgentTrust(
            AgentKeyRepository keys,
            RestorePointRecorder recorder,
            org.ssisbackup.catalog.drill.DrillRecorder drills,
            CatalogProperties properties,
            MeterRegistry registry) {
        this.keys = keys;
        this.recorder = recorder;
        this.drills = drills;
        this.settings = properties.trust();
        this.orchestratorKey = settings.orchestratorKey();
        this.registry = registry;
        for (String reason : List.of("unsigned", "bad_signature", "expired", "held_full", "enrolment_forged")) {
            registry.counter("ssis.catalog.agent.events.refused", "reason", reason);
        }
        registry.counter("ssis.catalog.agent.events.held");
        Gauge.builder("ssis.catalog.agent.events.waiting", keys, AgentKeyRepository::heldCount)
                .description("agent events held until their key's enrolment arrives")
                .register(registry);
    }

    /**
     * Records the event when its agent's enrolled key signed it; holds it when a key not (yet) enrolled did. Throws
     * {@link MalformedMessageException} (dead-lettered) when it is not signed, the signature is false, or too many
     * events are held already.
     */
    public void onEvent(byte[] value, MessageHeaders headers) {
        AgentEvent event = MessageCodec.decodeEvent(value);
        String hostId = event.meta().hostId();
        AgentKind agent = event.agent();
        String fingerprint;
        try {
            fingerprint = AgentSigner.of(value, headers).fingerprint();
        } catch (AgentSigner.Refused e) {
            refused(e.metricReason());
            throw new MalformedMessageException(
                    "an event of host " + hostId + "'s " + agent + " agent " + e.getMessage() + ": not recorded");
        }
        String slot = AgentEnrolment.topicKey(hostId, agent);
        Trusted cached = trusted.get(slot);
        Instant now = Instant.now();
        if (cached != null
                && cached.fingerprint().equals(fingerprint)
                && cached.until().isAfter(now)) {
            record(event);
            return;
        }
        boolean enrolled =
                keys.enrolledFingerprint(hostId, agent).map(fingerprint::equals).orElse(false);
        // Events of a key held before its enrolment go first: a later event must not overtake them.
        if (enrolled && !keys.anyHeld(hostId, agent, fingerprint)) {
            trusted.put(slot, new Trusted(fingerprint, now.plus(CACHED)));
            record(event);
            return;
        }
        if (keys.heldCount() >= settings.maxHeld()) {
            refused("held_full");
            throw new MalformedMessageException("an event of host " + hostId + "'s " + agent + " agent under key "
                    + fingerprint + ", which is not enrolled, and " + settings.maxHeld()
                    + " events wait already: not recorded");
        }
        keys.hold(hostId, agent, fingerprint, value);
        registry.counter("ssis.catalog.agent.events.held").increment();
        log.info("event of host {}'s {} agent held: its key {} is not enrolled (yet)", hostId, agent, fingerprint);
        if (enrolled) {
            release(hostId, agent, fingerprint);
        }
    }

    /**
     * One of the orchestrator's enrolments: checked against its key (a forged one is dead-lettered), then the agent's
     * key is trusted (and its held events recorded, in order) or trusted no more.
     */
    public void onEnrolment(byte[] value, MessageHeaders headers) {
        String signature = MessageSignature.headerText(headers.get(MessageSignature.HEADER));
        if (!MessageSignature.verify(MessageSignature.Purpose.ENROLMENT, orchestratorKey, value, signature)) {
            refused("enrolment_forged");
            throw new MalformedMessageException(
                    "an enrolment not signed by the orchestrator's key (ORCHESTRATOR_PUBLIC_KEY): ignored");
        }
        AgentEnrolment enrolment = MessageCodec.decode(value, AgentEnrolment.class);
        String hostId = enrolment.meta().hostId();
        PublicKey key;
        try {
            key = MessageSignature.publicKey(enrolment.publicKey());
        } catch (IllegalArgumentException e) {
            throw new MalformedMessageException("an enrolment whose key is not an Ed25519 public key");
        }
        String fingerprint = MessageSignature.fingerprint(key);
        trusted.remove(AgentEnrolment.topicKey(hostId, enrolment.agent()));
        if (enrolment.state() == AgentEnrolment.State.REVOKED) {
            keys.revoke(hostId, enrolment.agent(), fingerprint);
            log.info("host {}'s {} agent key {} revoked", hostId, enrolment.agent(), fingerprint);
            return;
        }
        keys.enrol(hostId, enrolment.agent(), fingerprint, enrolment.publicKey());
        log.info("host {}'s {} agent key {} enrolled", hostId, enrolment.agent(), fingerprint);
        release(hostId, enrolment.agent(), fingerprint);
    }

    /** Records the held events of a key now enrolled, oldest first. */
    private synchronized void release(String hostId, AgentKind agent, String fingerprint) {
        for (List<AgentKeyRepository.Held> batch = keys.held(hostId, agent, fingerprint, 100);
                !batch.isEmpty();
                batch = keys.held(hostId, agent, fingerprint, 100)) {
            for (AgentKeyRepository.Held held : batch) {
                try {
                    record(MessageCodec.decodeEvent(held.body()));
                } catch (RuntimeException e) {
                    log.warn(
                            "a held event of host {}'s {} agent could not be recorded: {}",
                            hostId,
                            agent,
                            e.getMessage());
                }
                keys.release(held.id());
            }
        }
    }

    /** Held events whose key got enrolled meanwhile are recorded; those held too long are dropped. */
    @Scheduled(fixedDelay = 30_000, initialDelay = 30_000)
    public void sweep() {
        for (String[] k : keys.heldOfEnrolledKeys(1000)) {
            release(k[0], AgentKind.valueOf(k[1]), k[2]);
        }
        int dropped = keys.dropHeldOlderThan(settings.holdFor());
        if (dropped > 0) {
            registry.counter("ssis.catalog.agent.events.refused", "reason", "expired")
                    .increment(dropped);
            log.warn("{} events of agent keys never enrolled were dropped after {}", dropped, settings.holdFor());
        }
    }

    /** A trusted event to where it is recorded: restore points, or a drill's verdict. */
    private void record(AgentEvent event) {
        if (event instanceof org.ssisbackup.contracts.RestoreFinished f && f.drill() != null) {
            drills.on(f);
        } else {
            recorder.on(event);
        }
    }

    private void refused(String reason) {
        registry.counter("ssis.catalog.agent.events.refused", "reason", reason).increment();
    }
}
