package org.ssisbackup.msdbagent.msdb;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Locale;

/**
 * The msdb agent's own metrics, in base units, beside the common agent metrics: packages (not folders) captured,
 * deduplicated and restored with their bytes, SSISDB projects, native backup duration and size, and failures by reason.
 */
public final class MsdbMetrics {
    private final MeterRegistry registry;
    private final String host;

    public MsdbMetrics(MeterRegistry registry, String host) {
        this.registry = registry;
        this.host = host;
        for (MsdbException.Reason reason :
                MsdbException.Reason.values()) { // at 0 from the start, so dashboards see every reason
            Counter.builder("ssis.msdb.failures")
                    .tags("host", host, "reason", reason.name().toLowerCase(Locale.ROOT))
                    .register(registry);
        }
    }

    public void packageCaptured(long bytes, boolean uploaded) {
        counter("ssis.msdb.packages.captured", "packages").increment();
        counter("ssis.msdb.captured", "bytes").increment((double) bytes);
        if (!uploaded) {
            counter("ssis.msdb.packages.deduplicated", "packages").increment();
            counter("ssis.msdb.deduplicated", "bytes").increment((double) bytes);
        }
    }

    public void projectCaptured(long bytes, boolean uploaded) {
        counter("ssis.ssisdb.projects.captured", "projects").increment();
        counter("ssis.ssisdb.captured", "bytes").increment((double) bytes);
        if (!uploaded) {
            counter("ssis.ssisdb.projects.deduplicated", "projects").increment();
        }
    }

    public void jobCaptured() {
        counter("ssis.msdb.jobs.captured", "jobs").increment();
    }

    public void jobRestored() {
        counter("ssis.msdb.jobs.restored", "jobs").increment();
    }

    public void packageRestored(long bytes) {
        counter("ssis.msdb.packages.restored", "packages").increment();
        counter("ssis.msdb.restored", "bytes").increment((double) bytes);
    }

    public void failure(MsdbException.Reason reason) {
        Counter.builder("ssis.msdb.failures")
                .tags("host", host, "reason", reason.name().toLowerCase(Locale.ROOT))
                .register(registry)
                .increment();
    }

    public void nativeBackup(Duration took, String outcome, long bytes) {
        Timer.builder("ssis.msdb.native.backup.duration")
                .tags("host", host, "outcome", outcome)
                .register(registry)
                .record(took);
        counter("ssis.msdb.native.backup", "bytes").increment((double) bytes);
    }

    private Counter counter(String name, String unit) {
        return Counter.builder(name).baseUnit(unit).tags("host", host).register(registry);
    }
}
