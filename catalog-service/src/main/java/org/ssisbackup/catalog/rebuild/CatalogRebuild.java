package org.ssisbackup.catalog.rebuild;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.ssisbackup.catalog.maintenance.MaintenanceLock;
import org.ssisbackup.catalog.record.RestorePointRecorder;
import org.ssisbackup.catalog.record.RestorePointRepository;
import org.ssisbackup.catalog.retention.RetentionRepository;
import org.ssisbackup.contracts.AgentJobFinished;
import org.ssisbackup.contracts.AgentKind;
import org.ssisbackup.contracts.Artifact;
import org.ssisbackup.contracts.ArtifactsStored;
import org.ssisbackup.contracts.Manifest;
import org.ssisbackup.contracts.MessageMeta;
import org.ssisbackup.contracts.ObjectKeys;
import org.ssisbackup.storage.BlobStore;
import org.ssisbackup.storage.StoreException;
import org.ssisbackup.storage.repository.RepositoryReader;

/**
 * Rebuilds the catalog from the bucket's manifests alone (after losing the database, or to find what it missed): every
 * manifest is replayed through the same recording rules as live events, so redelivery-safety and the COMPLETE rule are
 * the same. What the catalog did not know is reported; what it knew is left as it was. A rebuilt point is COMPLETE only
 * if its manifests name the job's agents, every one of them is there and succeeded, and every blob they reference
 * exists; otherwise PARTIAL with the reason.
 */
@Service
public class CatalogRebuild {
    private static final Logger log = LoggerFactory.getLogger(CatalogRebuild.class);

    private final BlobStore store;
    private final RepositoryReader reader;
    private final RestorePointRecorder recorder;
    private final RestorePointRepository points;
    private final RetentionRepository retention;
    private final MaintenanceLock lock;

    public CatalogRebuild(
            BlobStore store,
            RepositoryReader reader,
            RestorePointRecorder recorder,
            RestorePointRepository points,
            RetentionRepository retention,
            MaintenanceLock lock) {
        this.lock = lock;
        this.store = store;
        this.reader = reader;
        this.recorder = recorder;
        this.points = points;
        this.retention = retention;
    }

    public record Unreadable(String key, String reason) {}

    public record NewPoint(UUID restorePointId, String hostId, String status, List<String> reasons) {}

    /**
     * What a rebuild did.
     *
     * @param restorePointsExpired points whose manifests are still in the bucket but that retention expired: not brought back
     * @param restorePointsInFlight points whose job's events are being recorded (a job still running): left to the events
     */
    public record Report(
            int manifestsRead,
            int agentResultsAdded,
            long artifactsAdded,
            List<NewPoint> restorePointsAdded,
            int restorePointsAlreadyKnown,
            int restorePointsExpired,
            List<Unreadable> unreadable,
            List<UUID> restorePointsInFlight) {}

    /** Holds the lock retention holds ({@link MaintenanceLock.Busy} while either runs): never brings back what it deletes. */
    public Report rebuild() {
        return lock.holding(MaintenanceLock.Kind.BUCKET_CHANGES, this::replay);
    }

    private Report replay() {
        List<Unreadable> unreadable = new ArrayList<>();
        Map<UUID, List<Manifest>> byPoint = new LinkedHashMap<>();
        int read = 0;
        reader.reload(); // keys rotated since the last use are read again
        Map<String, String> manifestKeys = new HashMap<>();
        for (String key : store.list("manifests/")) {
            if (!key.endsWith(".json") && !key.endsWith(".m2")) {
                continue;
            }
            try {
                // Format 2: authenticated and bound to its name (a manifest moved to another point does not open).
                Manifest m = reader.manifest(key);
                if (!key.equals(ObjectKeys.manifest(m.hostId(), m.restorePointId(), m.agent()))
                        && !key.equals(ObjectKeys.encryptedManifest(m.hostId(), m.restorePointId(), m.agent()))) {
                    throw new IllegalArgumentException("it holds the manifest of " + m.hostId() + "/"
                            + m.restorePointId() + ", not the one its name says");
                }
                manifestKeys.put(manifestId(m), key);
                byPoint.computeIfAbsent(m.restorePointId(), k -> new ArrayList<>())
                        .add(m);
                read++;
            } catch (RuntimeException e) {
                unreadable.add(new Unreadable(key, e.getMessage()));
            }
        }
        int agentResultsAdded = 0;
        long artifactsBefore = points.countAllArtifacts();
        List<NewPoint> added = new ArrayList<>();
        int known = 0;
        int expired = 0;
        List<UUID> inFlight = new ArrayList<>();
        for (Map.Entry<UUID, List<Manifest>> e : byPoint.entrySet()) {
            UUID point = e.getKey();
            if (points.pointExists(point)) {
                known++;
                continue;
            }
            if (points.inFlight(point)) {
                // Its job's events are arriving (one agent finished, the other still runs): a rebuild now would close
                // the point PARTIAL for want of the other's manifest. The events close it.
                inFlight.add(point);
                continue;
            }
            if (retention.wasExpired(point)) {
                expired++; // its manifest outlived the expiry (the deletion failed): retention's decision stands
                continue;
            }
            List<Manifest> manifests = e.getValue();
            Set<AgentKind> present = EnumSet.noneOf(AgentKind.class);
            manifests.forEach(m -> present.add(m.agent()));
            boolean agentsNamed = manifests.stream().allMatch(m -> m.jobAgents() != null);
            Set<AgentKind> jobAgents = EnumSet.noneOf(AgentKind.class);
            manifests.forEach(m -> jobAgents.addAll(m.jobAgents() == null ? Set.of(m.agent()) : m.jobAgents()));
            for (Manifest m : manifests) {
                if (!points.hasAgentResult(point, m.agent())) {
                    agentResultsAdded++;
                }
                if (!m.artifacts().isEmpty()) {
                    recorder.on(new ArtifactsStored(meta(m), m.agent(), point, m.artifacts()));
                }
            }
            // A job agent without a manifest (it failed before writing one) is recorded as FAILED, so the point closes.
            for (AgentKind missing : jobAgents) {
                if (!present.contains(missing)) {
                    recorder.on(new AgentJobFinished(
                            meta(manifests.get(0)),
                            missing,
                            point,
                            jobAgents,
                            org.ssisbackup.contracts.Outcome.FAILED,
                            0,
                            0,
                            0,
                            null,
                            List.of(new org.ssisbackup.contracts.AgentError(
                                    "(rebuild)", "no manifest of this agent in the bucket"))));
                }
            }
            for (Manifest m : manifests) {
                recorder.on(new AgentJobFinished(
                        meta(m),
                        m.agent(),
                        point,
                        jobAgents,
                        m.outcome(),
                        m.artifacts().size(),
                        m.artifacts().stream().mapToLong(Artifact::size).sum(),
                        0,
                        manifestKeys.get(manifestId(m)),
                        m.errors(),
                        m.warnings(),
                        m.policy()));
            }
            List<String> extra = new ArrayList<>();
            extra.add("rebuilt from manifests");
            if (!agentsNamed) {
                extra.add("its manifests do not name the job's agents: whether every agent's part is here is unknown");
            }
            Map<String, Boolean> inBucket = new HashMap<>();
            for (Manifest m : manifests) {
                for (Artifact a : m.artifacts()) {
                    for (String key : a.storedIn()) {
                        Boolean there = inBucket.computeIfAbsent(key, this::sizeIfPresent);
                        if (there == null) {
                            extra.add(m.agent() + ": " + a.logicalPath() + ": " + key + " not checked: the bucket did"
                                    + " not answer");
                        } else if (!there) {
                            extra.add(m.agent() + ": " + a.logicalPath() + ": " + key + " is missing from the bucket");
                        }
                    }
                }
            }
            boolean downgrade = extra.size() > 1;
            RestorePointRepository.PointSummary summary = points.addReasons(point, extra, downgrade);
            added.add(new NewPoint(point, summary.hostId(), summary.status(), summary.reasons()));
        }
        long artifactsAdded = points.countAllArtifacts() - artifactsBefore;
        log.info(
                "catalog rebuild: {} manifests, {} restore points added, {} already known, {} unreadable",
                read,
                added.size(),
                known,
                unreadable.size());
        return new Report(read, agentResultsAdded, artifactsAdded, added, known, expired, unreadable, inFlight);
    }

    /** Whether an object is in the bucket (its size recorded when the catalog lacked it); null if unknown. */
    private Boolean sizeIfPresent(String key) {
        try {
            return store.stat(key)
                    .map(info -> {
                        points.objectSizeIfUnknown(key, info.size());
                        return true;
                    })
                    .orElse(false);
        } catch (StoreException e) {
            return null;
        }
    }

    private static String manifestId(Manifest m) {
        return m.hostId() + "/" + m.restorePointId() + "/" + m.agent();
    }

    /** The envelope of an event replayed from a manifest: its job, host and time, a new message id. */
    private static MessageMeta meta(Manifest m) {
        return new MessageMeta(
                MessageMeta.CURRENT_SCHEMA_VERSION, UUID.randomUUID(), m.jobId(), m.hostId(), m.createdAt());
    }
}
