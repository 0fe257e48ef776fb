package org.ssisbackup.orchestrator.health;

import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.ssisbackup.orchestrator.restore.CatalogClient;

/**
 * What restore drills proved of each host, as the catalog decided it (issue 17), kept here for the status page. Read
 * from the catalog every {@code proof-refresh} (30 s), not per page load: the page stays fast and keeps the last proofs
 * it read while the catalog is away.
 */
@Component
public class HostProofs {
    private static final Logger log = LoggerFactory.getLogger(HostProofs.class);

    private final CatalogClient catalog;
    private volatile Map<String, CatalogClient.HostProof> byHost = Map.of();
    private volatile boolean failing;

    public HostProofs(CatalogClient catalog) {
        this.catalog = catalog;
    }

    @Scheduled(fixedDelayString = "${ssisbackup.orchestrator.proof-refresh:30s}", initialDelay = 2_000)
    public void refresh() {
        try {
            byHost = catalog.fleetProofs().stream()
                    .collect(Collectors.toUnmodifiableMap(
                            CatalogClient.HostProof::hostId, Function.identity(), (a, b) -> a));
            failing = false;
        } catch (IllegalStateException e) {
            if (!failing) {
                log.warn("drill proofs not refreshed: {}", e.getMessage());
            }
            failing = true;
        }
    }

    /** The host's proof; null when no drill ever decided anything of it (or the catalog was never read). */
    public CatalogClient.HostProof of(String hostId) {
        return byHost.get(hostId);
    }
}
