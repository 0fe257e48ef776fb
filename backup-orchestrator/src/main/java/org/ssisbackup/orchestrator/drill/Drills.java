package org.ssisbackup.orchestrator.drill;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.ssisbackup.contracts.AgentKind;
import org.ssisbackup.contracts.DrillReport;
import org.ssisbackup.contracts.RestoreFinished;
import org.ssisbackup.contracts.RestoreOptions;
import org.ssisbackup.orchestrator.job.JobState;
import org.ssisbackup.orchestrator.restore.CatalogClient;
import org.ssisbackup.orchestrator.restore.RestoreJobRepository;
import org.ssisbackup.orchestrator.restore.RestoreJobs;

/**
 * Restore drills (issue 17): "could we restore host X right now?" answered by doing it. A drill is one restore per
 * restore point, with {@code drill} set in its options: each agent of the point's host restores into a scratch place of
 * its own, checks what it restored there and removes it, and reports what it checked. The restores run through the
 * same machinery as any (dispatch, heartbeats, timeouts); the catalog records each point's verdict from the agents'
 * reports.
 */
@Service
public class Drills {
    private final CatalogClient catalog;
    private final RestoreJobs restores;
    private final RestoreJobRepository restoreRepository;
    private final DrillRepository drills;

    Drills(
            CatalogClient catalog,
            RestoreJobs restores,
            RestoreJobRepository restoreRepository,
            DrillRepository drills) {
        this.catalog = catalog;
        this.restores = restores;
        this.restoreRepository = restoreRepository;
        this.drills = drills;
    }

    /** Hosts for which the catalog has no COMPLETE point to drill. */
    public static final class NothingToDrillException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NothingToDrillException(String message) {
            super(message);
        }
    }

    /** Drills these restore points (already looked up in the catalog); returns the drill's id. */
    public UUID start(List<CatalogClient.RestorePointSummary> points, String requestedBy) {
        UUID id = UUID.randomUUID();
        drills.insert(id, requestedBy);
        for (CatalogClient.RestorePointSummary point : points) {
            Set<AgentKind> agents = EnumSet.noneOf(AgentKind.class);
            point.artifacts().forEach(a -> agents.add(AgentKind.valueOf(a.agent())));
            Map<AgentKind, Integer> formats = new EnumMap<>(AgentKind.class);
            agents.forEach(a -> formats.put(a, point.manifestFormat(a.name())));
            UUID restore = restores.start(new RestoreJobs.RestoreSpec(
                    point.id(), point.hostId(), point.hostId(), agents, RestoreOptions.drillOf(id, Set.of()), formats));
            drills.link(restore, id);
        }
        return id;
    }

    /** The points a drill of these hosts proves: each host's newest COMPLETE one. */
    public List<CatalogClient.RestorePointSummary> newestPoints(List<String> hosts) {
        List<CatalogClient.RestorePointSummary> points = new ArrayList<>();
        List<String> without = new ArrayList<>();
        for (String host : hosts) {
            catalog.newestCompletePoint(host).ifPresentOrElse(points::add, () -> without.add(host));
        }
        if (!without.isEmpty()) {
            throw new NothingToDrillException("no COMPLETE restore point to drill for: " + String.join(", ", without));
        }
        return points;
    }

    /** What one agent checked, or why its part failed. */
    public record AgentDrill(
            AgentKind agent,
            JobState state,
            String outcome,
            Long itemsChecked,
            Long documentsParsed,
            Long referencesChecked,
            Boolean cleanedUp,
            List<String> problems) {}

    public record HostDrill(
            String hostId, UUID restorePointId, UUID restoreId, DrillState state, List<AgentDrill> agents) {}

    /** A drill as the API shows it. */
    public record DrillView(
            UUID drillId,
            DrillState state,
            Instant createdAt,
            Instant finishedAt,
            String requestedBy,
            List<HostDrill> hosts) {}

    /** PENDING and RUNNING, then SUCCEEDED when every agent proved its part, else FAILED. */
    public enum DrillState {
        PENDING,
        RUNNING,
        SUCCEEDED,
        FAILED;

        static DrillState of(JobState s) {
            return switch (s) {
                case PENDING, DISPATCHED -> PENDING;
                case RUNNING -> RUNNING;
                case SUCCEEDED -> SUCCEEDED;
                default -> FAILED;
            };
        }
    }

    /** The newest drills first (at most {@code limit}), all or those one requester asked for. */
    public List<DrillView> recent(String requestedBy, int limit) {
        return drills.recent(requestedBy, limit).stream()
                .map(this::find)
                .flatMap(Optional::stream)
                .toList();
    }

    public Optional<DrillView> find(UUID id) {
        Optional<DrillRepository.DrillRow> created = drills.find(id);
        if (created.isEmpty()) {
            return Optional.empty();
        }
        List<HostDrill> hosts = new ArrayList<>();
        List<JobState> states = new ArrayList<>();
        Instant finished = null;
        boolean allFinished = true;
        for (UUID restoreId : drills.restores(id)) {
            RestoreJobRepository.RestoreRecord r =
                    restoreRepository.find(restoreId).orElseThrow();
            List<AgentDrill> agents = new ArrayList<>();
            for (RestoreJobRepository.PartRecord p : restoreRepository.parts(restoreId)) {
                agents.add(agent(p));
            }
            JobState state = r.state();
            states.add(state);
            hosts.add(new HostDrill(r.targetHost(), r.restorePointId(), restoreId, DrillState.of(state), agents));
            if (r.finishedAt() == null) {
                allFinished = false;
            } else if (finished == null || r.finishedAt().isAfter(finished)) {
                finished = r.finishedAt();
            }
        }
        return Optional.of(new DrillView(
                id,
                DrillState.of(JobState.combine(states)),
                created.get().createdAt(),
                allFinished ? finished : null,
                created.get().requestedBy(),
                hosts));
    }

    private static AgentDrill agent(RestoreJobRepository.PartRecord p) {
        RestoreFinished f = p.result();
        DrillReport d = f == null ? null : f.drill();
        List<String> problems = new ArrayList<>();
        if (f != null) {
            f.failed().forEach(e -> problems.add(e.path() + ": " + e.reason()));
            f.refused().forEach(e -> problems.add(e.path() + ": refused: " + e.reason()));
            f.skipped().forEach(e -> problems.add(e.path() + ": not checked: " + e.reason()));
        }
        // A part that passed its checks but not the rules (something skipped) is no proof.
        JobState state = p.state() == JobState.SUCCEEDED && !problems.isEmpty() ? JobState.PARTIALLY_FAILED : p.state();
        return new AgentDrill(
                p.agent(),
                state,
                f == null ? null : f.outcome().name(),
                d == null ? null : d.itemsChecked(),
                d == null ? null : d.documentsParsed(),
                d == null ? null : d.referencesChecked(),
                d == null ? null : d.cleanedUp(),
                problems);
    }
}
