package org.ssisbackup.catalog.record;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import org.ssisbackup.contracts.AgentError;
import org.ssisbackup.contracts.AgentEvent;
import org.ssisbackup.contracts.AgentJobFinished;
import org.ssisbackup.contracts.AgentKind;
import org.ssisbackup.contracts.ArtifactsStored;
import org.ssisbackup.contracts.MessageMeta;
import org.ssisbackup.contracts.Outcome;
import org.ssisbackup.contracts.RestorePointRecorded;
import org.ssisbackup.contracts.RestorePointStatus;
import org.ssisbackup.storage.BlobStore;

/**
 * Turns agent events into restore points. Every write is idempotent (a redelivered event changes nothing),
 * and a point is COMPLETE only when every agent of its job succeeded and every artifact an agent announced
 * is recorded; otherwise PARTIAL (or FAILED when nothing was captured), with the reasons.
 */
@Component
public class RestorePointRecorder {
    private static final Logger log = LoggerFactory.getLogger(RestorePointRecorder.class);

    private final RestorePointRepository repository;
    private final CatalogEvents events;
    private final MeterRegistry registry;
    private final BlobStore store;

    public RestorePointRecorder(
            RestorePointRepository repository, CatalogEvents events, MeterRegistry registry, BlobStore store) {
        this.repository = repository;
        this.events = events;
        this.registry = registry;
        this.store = store;
    }

    /**
     * A recorded restore point never changes, and an agent's part of it is closed by its result: events for either
     * (an agent that ran a command again after a restart, a forged or replayed message) are counted and dropped, so
     * a point's artifacts are always the ones its count was checked against.
     */
    @Transactional
    public void on(AgentEvent event) {
        UUID point = event instanceof ArtifactsStored a
                ? a.restorePointId()
                : event instanceof AgentJobFinished f ? f.restorePointId() : null;
        AgentKind agent =
                event instanceof ArtifactsStored a ? a.agent() : event instanceof AgentJobFinished f ? f.agent() : null;
        if (point != null && repository.pointExists(point)) {
            ignored(event, point, "recorded");
            return;
        }
        if (point != null && repository.hasAgentResult(point, agent)) {
            ignored(event, point, "agent_finished");
            return;
        }
        if (event instanceof ArtifactsStored stored) {
            repository.insertArtifacts(stored.restorePointId(), stored.agent(), stored.artifacts());
        } else if (event instanceof AgentJobFinished finished) {
            recordFinished(finished);
        }
    }

    private void ignored(AgentEvent event, UUID point, String reason) {
        log.warn(
                "{} of host {} for restore point {} ignored: {}",
                event.getClass().getSimpleName(),
                event.meta().hostId(),
                point,
                reason.equals("recorded")
                        ? "the point is recorded and does not change"
                        : "this agent's part of the point has ended");
        registry.counter("ssis.catalog.events.ignored", "reason", reason).increment();
    }

    private void recordFinished(AgentJobFinished f) {
        repository.insertAgentResult(f);
        repository.recordObjectSizes(f.objectsWritten());
        List<RestorePointRepository.AgentResult> results = repository.agentResults(f.restorePointId());
        Set<AgentKind> finishedAgents = EnumSet.noneOf(AgentKind.class);
        results.forEach(r -> finishedAgents.add(r.agent()));
        if (!finishedAgents.containsAll(f.jobAgents())) {
            return; // the host's other agent is still at work
        }
        List<String> reasons = new ArrayList<>();
        List<Outcome> outcomes = new ArrayList<>();
        boolean countsMatch = true;
        for (RestorePointRepository.AgentResult r : results) {
            outcomes.add(r.outcome());
            long recorded = repository.countArtifacts(f.restorePointId(), r.agent());
            if (recorded != r.artifactCount()) {
                countsMatch = false;
                reasons.add(
                        r.agent() + " announced " + r.artifactCount() + " artifacts but the catalog holds " + recorded);
            }
            for (AgentError e : r.errors()) {
                reasons.add(r.agent() + ": " + e.path() + ": " + e.reason());
            }
        }
        countsMatch &= objectsRetentionDeletedAreBack(f, reasons);
        Outcome combined = Outcome.combine(outcomes);
        RestorePointRepository.Totals totals = repository.totals(f.restorePointId());
        RestorePointStatus status = combined == Outcome.SUCCEEDED && countsMatch
                ? RestorePointStatus.COMPLETE
                : combined == Outcome.FAILED && totals.artifacts() == 0
                        ? RestorePointStatus.FAILED
                        : RestorePointStatus.PARTIAL;
        Instant createdAt = results.stream()
                .map(RestorePointRepository.AgentResult::finishedAt)
                .min(Instant::compareTo)
                .orElse(Instant.now());
        boolean inserted = repository.insertPoint(
                f.restorePointId(),
                f.meta().jobId(),
                f.meta().hostId(),
                status,
                totals,
                reasons,
                createdAt,
                f.policy());
        if (f.policy() != null && f.policy().retention() != null) {
            repository.rememberRetention(f.policy(), createdAt);
        }
        if (inserted) {
            log.info(
                    "restore point {} of host {}: {} ({} artifacts)",
                    f.restorePointId(),
                    f.meta().hostId(),
                    status,
                    totals.artifacts());
            registry.counter(
                            "ssis.catalog.restore.points.recorded",
                            "host",
                            f.meta().hostId(),
                            "status",
                            status.name().toLowerCase(Locale.ROOT))
                    .increment();
            events.recorded(new RestorePointRecorded(
                    MessageMeta.create(f.meta().jobId(), f.meta().hostId()),
                    f.restorePointId(),
                    status,
                    totals.artifacts(),
                    reasons));
        }
    }

    /**
     * A backup that was running while retention deleted an object may have reused it (it saw the object before the
     * deletion). Each object of the point that retention deleted recently is looked for in the bucket: written again
     * (a format 1 blob uploaded anew), fine; gone (a pack never comes back: its id is random), the point cannot be
     * COMPLETE.
     */
    private boolean objectsRetentionDeletedAreBack(AgentJobFinished f, List<String> reasons) {
        boolean allBack = true;
        for (RestorePointRepository.Suspect o : repository.objectsRecentlyDeleted(f.restorePointId())) {
            try {
                if (store.exists(o.objectKey())) {
                    repository.forgetTombstone(o.objectId());
                    continue;
                }
                reasons.add(o.objectKey() + " was deleted by retention while this backup ran: items in it are lost");
            } catch (RuntimeException e) {
                reasons.add(o.objectKey() + " was deleted by retention recently and could not be checked: "
                        + e.getMessage());
            }
            allBack = false;
        }
        return allBack;
    }
}
