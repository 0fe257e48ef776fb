package org.ssisbackup.catalog.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.ssisbackup.catalog.query.CatalogQueries;

/**
 * What the catalog holds, as gauges refreshed from PostgreSQL: restore points by host and status, bytes referenced by
 * restore points and bytes stored once (blobs are content-addressed), their ratio, and the age of each host's newest
 * restore point and newest COMPLETE one.
 */
@Component
public class CatalogMetrics {
    private final JdbcClient jdbc;
    private final CatalogQueries queries;
    private final MultiGauge pointsByHostAndStatus;
    private final MultiGauge newestAge;
    private final MultiGauge newestCompleteAge;
    private final AtomicReference<double[]> bytes = new AtomicReference<>(new double[] {0, 0});

    CatalogMetrics(JdbcClient jdbc, CatalogQueries queries, MeterRegistry registry) {
        this.jdbc = jdbc;
        this.queries = queries;
        this.pointsByHostAndStatus = MultiGauge.builder("ssis.catalog.restore.points").baseUnit("points")
                .description("restore points held, by host and status").register(registry);
        this.newestAge = MultiGauge.builder("ssis.catalog.newest.restore.point.age").baseUnit("seconds")
                .description("age of each host's newest restore point").register(registry);
        this.newestCompleteAge = MultiGauge.builder("ssis.catalog.newest.complete.restore.point.age").baseUnit("seconds")
                .description("age of each host's newest COMPLETE restore point (+Inf: none)").register(registry);
        Gauge.builder("ssis.catalog.referenced", bytes, b -> b.get()[0]).baseUnit("bytes")
                .description("bytes the restore points reference (every artifact counted in every point)").register(registry);
        Gauge.builder("ssis.catalog.stored", bytes, b -> b.get()[1]).baseUnit("bytes")
                .description("bytes stored: each blob once, until retention deletes it").register(registry);
        Gauge.builder("ssis.catalog.dedup.ratio", bytes, b -> b.get()[1] == 0 ? 1 : b.get()[0] / b.get()[1])
                .description("referenced bytes per stored byte").register(registry);
    }

    @Scheduled(fixedDelayString = "${ssisbackup.catalog.metrics-interval:30s}", initialDelay = 1000)
    public void refresh() {
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        jdbc.sql("SELECT host_id, status, count(*) AS n FROM restore_point GROUP BY host_id, status").query().listOfRows()
                .forEach(r -> rows.add(MultiGauge.Row.of(Tags.of("host", (String) r.get("host_id"), "status", (String) r.get("status")),
                        ((Number) r.get("n")).doubleValue())));
        pointsByHostAndStatus.register(rows, true);
        // From the points' totals and the blob table: scanning every artifact would cost seconds per refresh at fleet scale.
        double referenced = jdbc.sql("SELECT coalesce(sum(total_bytes), 0) FROM restore_point").query(Double.class).single();
        double stored = jdbc.sql("SELECT coalesce(sum(size), 0) FROM blob").query(Double.class).single();
        bytes.set(new double[] {referenced, stored});
        List<CatalogQueries.HostNewest> newest = queries.fleetNewest();
        newestAge.register(newest.stream().map(h -> MultiGauge.Row.of(Tags.of("host", h.hostId()),
                h.newestAgeSeconds().doubleValue())).toList(), true);
        newestCompleteAge.register(newest.stream().map(h -> MultiGauge.Row.of(Tags.of("host", h.hostId()),
                h.newestCompleteAgeSeconds() == null ? Double.POSITIVE_INFINITY : h.newestCompleteAgeSeconds().doubleValue()))
                .toList(), true);
    }
}
