package org.ssisbackup.platform.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A gauge with one series per tag set (a host, a host and agent, ...), refreshed as a whole: a series whose tags are
 * still present keeps its meter and only its value changes; series no longer present are removed; new ones are added.
 * <p>
 * Micrometer's {@code MultiGauge.register(rows, true)} removes each series and registers it again, so a scrape landing
 * in between misses series that exist (seen in CI as "exposed by no service"); updating a held value in place cannot.
 */
public final class TaggedGauge {
    private final MeterRegistry registry;
    private final String name;
    private final String baseUnit;
    private final String description;
    /** Each series' value as double bits, held strongly here (a gauge keeps only a weak reference by default). */
    private final Map<Tags, Series> series = new HashMap<>();

    private record Series(AtomicLong bits, Gauge gauge) {}

    public TaggedGauge(MeterRegistry registry, String name, String baseUnit, String description) {
        this.registry = registry;
        this.name = name;
        this.baseUnit = baseUnit;
        this.description = description;
    }

    /** Makes the series exactly {@code values}: tag sets not in it are removed. */
    public synchronized void set(Map<Tags, ? extends Number> values) {
        values.forEach((tags, value) -> series.computeIfAbsent(tags, this::register)
                .bits()
                .set(Double.doubleToRawLongBits(value.doubleValue())));
        series.entrySet().removeIf(e -> {
            if (values.containsKey(e.getKey())) {
                return false;
            }
            registry.remove(e.getValue().gauge());
            return true;
        });
    }

    private Series register(Tags tags) {
        AtomicLong bits = new AtomicLong(Double.doubleToRawLongBits(Double.NaN));
        Gauge gauge = Gauge.builder(name, bits, b -> Double.longBitsToDouble(b.get()))
                .tags(tags)
                .baseUnit(baseUnit)
                .description(description)
                .strongReference(true)
                .register(registry);
        return new Series(bits, gauge);
    }
}
