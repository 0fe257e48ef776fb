package org.ssisbackup.platform.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TaggedGaugeTest {
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final TaggedGauge gauge = new TaggedGauge(registry, "ssis.test.age", "seconds", "a test gauge");

    Gauge find(String host) {
        return registry.find("ssis.test.age").tags("host", host).gauge();
    }

    @Test
    void keepsTheSameMeterForASeriesThatStaysAndChangesOnlyItsValue() {
        gauge.set(Map.of(Tags.of("host", "a"), 1, Tags.of("host", "b"), 2.5));
        Gauge a = find("a");
        assertThat(a.value()).isEqualTo(1.0);
        assertThat(find("b").value()).isEqualTo(2.5);
        assertThat(a.getId().getBaseUnit()).isEqualTo("seconds");

        gauge.set(Map.of(Tags.of("host", "a"), Double.POSITIVE_INFINITY, Tags.of("host", "c"), 3));
        assertThat(find("a")).isSameAs(a);
        assertThat(a.value()).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(find("b")).as("a series no longer present is removed").isNull();
        assertThat(find("c").value()).isEqualTo(3.0);

        gauge.set(Map.of());
        assertThat(registry.find("ssis.test.age").gauges()).isEmpty();
    }

    @Test
    void aReaderNeverMissesASeriesThatExistsWhileTheGaugeIsRefreshed() throws Exception {
        gauge.set(Map.of(Tags.of("host", "a"), 0));
        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger missed = new AtomicInteger();
        Thread reader = new Thread(() -> {
            while (!done.get()) {
                if (find("a") == null) {
                    missed.incrementAndGet();
                }
            }
        });
        reader.start();
        for (int i = 0; i < 20_000; i++) {
            gauge.set(Map.of(Tags.of("host", "a"), i, Tags.of("host", "churn-" + (i % 3)), i));
        }
        done.set(true);
        reader.join();
        assertThat(missed).hasValue(0);
        assertThat(find("a").value()).isEqualTo(19_999.0);
    }
}
