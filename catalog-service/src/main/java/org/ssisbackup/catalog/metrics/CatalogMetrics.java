package org.ssisbackup.catalog.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.ssisbackup.catalog.query.CatalogQueries;
import org.ssisbackup.platform.metrics.TaggedGauge;

/**
 * What the catalog holds, as gauges refreshed from PostgreSQL: restore points by host and status, bytes referenced by
 * restore points and bytes stored once (blobs are content-addressed), their ratio, and the age of each host's newest
 * restore point and newest COMPLETE one.
 */
@Component
public class CatalogMetrics {
    private final CatalogQueries queries;
    private final TaggedGauge pointsByHostAndStatus;
    private final TaggedGauge newestAge;
    private final TaggedGauge newestCompleteAge;
    private final TaggedGauge provenAge;
    private final AtomicReference<double[]> bytes = new AtomicReference<>(new double[] {0, 0});

    CatalogMetrics(CatalogQueries queries, MeterRegistry registry) {
        this.queries = queries;
        this.pointsByHostAndStatus = new TaggedGauge(
                registry, "ssis.catalog.restore.points", "points", "restore points held, by host and status");
        this.newestAge = new TaggedGauge(
                registry,
                "ssis.catalog.newest.restore.point.age",
                "seconds",
                "age of each host's newest restore point");
        this.newestCompleteAge = new TaggedGauge(
                registry,
                "ssis.catalog.newest.complete.restore.point.age",
                "seconds",
                "age of each host's newest COMPLETE restore point (+Inf: none)");
        this.provenAge = new TaggedGauge(
                registry,
                "ssis.catalog.last.proven.age",
                "seconds",
                "age of the last restore drill that proved a point of each host restorable (+Inf: never)");
        Gauge.builder("ssis.catalog.referenced", bytes, b -> b.get()[0])
                .baseUnit("bytes")
                .description("bytes the restore points reference (every artifact counted in every point)")
                .register(registry);
        Gauge.builder("ssis.catalog.stored", bytes, b -> b.get()[1])
                .baseUnit("bytes")
                .description(
                        "bytes stored in the bucket (compressed and encrypted, each blob or pack once) until retention deletes them")
                .register(registry);
        Gauge.builder("ssis.catalog.dedup.ratio", bytes, b -> b.get()[1] == 0 ? 1 : b.get()[0] / b.get()[1])
                .description("referenced bytes per stored byte")
                .register(registry);
    }

    @Scheduled(fixedDelayString = "${ssisbackup.catalog.metrics-interval:30s}", initialDelay = 1000)
    public void refresh() {
        Map<Tags, Number> points = new LinkedHashMap<>();
        queries.pointCounts().forEach(c -> points.put(Tags.of("host", c.hostId(), "status", c.status()), c.count()));
        pointsByHostAndStatus.set(points);
        CatalogQueries.Bytes b = queries.bytes();
        bytes.set(new double[] {b.referenced(), b.stored()});
        List<CatalogQueries.HostNewest> newest = queries.fleetNewest();
        Map<Tags, Number> age = new LinkedHashMap<>();
        Map<Tags, Number> completeAge = new LinkedHashMap<>();
        for (CatalogQueries.HostNewest h : newest) {
            age.put(Tags.of("host", h.hostId()), h.newestAgeSeconds());
            completeAge.put(
                    Tags.of("host", h.hostId()),
                    h.newestCompleteAgeSeconds() == null ? Double.POSITIVE_INFINITY : h.newestCompleteAgeSeconds());
        }
        newestAge.set(age);
        newestCompleteAge.set(completeAge);
        Map<Tags, Number> proven = new LinkedHashMap<>();
        for (CatalogQueries.HostProven h : queries.fleetProven()) {
            proven.put(
                    Tags.of("host", h.hostId()),
                    h.provenAgeSeconds() == null ? Double.POSITIVE_INFINITY : h.provenAgeSeconds());
        }
        provenAge.set(proven);
    }
}
