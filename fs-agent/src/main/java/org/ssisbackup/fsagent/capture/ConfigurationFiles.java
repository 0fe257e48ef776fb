package org.ssisbackup.fsagent.capture;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.ssisbackup.agent.capture.CaptureContext;
import org.ssisbackup.contracts.ConfigReference;
import org.ssisbackup.contracts.JobFileReference;
import org.ssisbackup.ssis.PackageXml;

/**
 * Finds the configuration files packages use: type 1 (the string is the path) and type 5 (the string names an
 * environment variable holding the path, resolved with the host's environment). Other configuration types
 * keep their values elsewhere (registry, environment, parent package, SQL Server) and have no file to capture.
 * What cannot be resolved is a warning, never a silent gap. Thread-safe: packages are read by the upload pool.
 */
public final class ConfigurationFiles {
    private final HostPaths hostPaths;
    private final Function<String, String> environment;
    private final PackageInfoCache packageInfos;
    /** Resolved configuration file → the packages that refer to it. */
    private final Map<Path, Set<String>> files = new LinkedHashMap<>();

    public ConfigurationFiles(
            HostPaths hostPaths, Function<String, String> environment, PackageInfoCache packageInfos) {
        this.hostPaths = hostPaths;
        this.environment = environment;
        this.packageInfos = packageInfos;
    }

    /**
     * Reads a stored file-system package (whose bytes hash to {@code sha256}) for its references; encrypted or
     * malformed packages are warned about.
     */
    public void readPackage(Path dtsx, String sha256, CaptureContext ctx) {
        PackageXml.PackageInfo info;
        try {
            info = packageInfos.read(dtsx, sha256);
        } catch (IOException e) {
            ctx.warn(dtsx.toString(), "package not read for configurations: " + e.getMessage());
            return;
        }
        if (info.fullyEncrypted()) {
            ctx.warn(
                    dtsx.toString(),
                    "package is encrypted (protection level " + info.protectionLevel()
                            + "): stored as bytes, its configurations not read");
            return;
        }
        for (PackageXml.Configuration c : info.configurations()) {
            add(new ConfigReference(dtsx.toString(), c.type(), c.string()), dtsx.getParent(), ctx);
        }
    }

    /** A reference reported by the msdb agent: the package lives in msdb, so a relative path has no base. */
    public void addMsdbReference(ConfigReference reference, CaptureContext ctx) {
        add(reference, null, ctx);
    }

    /**
     * A file a SQL Server Agent job step names ({@code /FILE}, {@code /CONFIGFILE}, {@code /COMMANDFILE}): where it is
     * on this host, or empty (and warned about) when the path is relative (to SQL Server Agent's working folder, which
     * this agent cannot know) or on an unmapped drive.
     */
    public Optional<Path> locateJobFile(JobFileReference ref, CaptureContext ctx) {
        String written = unquoted(ref.path().trim());
        Optional<Path> path = isAbsolute(written) ? hostPaths.resolve(written, hostPaths.root()) : Optional.empty();
        if (path.isEmpty()) {
            ctx.warn(
                    ref.user(),
                    ref.kind().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + " '" + written
                            + "' cannot be located on this agent (relative path, or unmapped drive)");
        }
        return path;
    }

    /** A configuration file a job step loads with /CONFIGFILE: captured with the packages' configuration files. */
    public synchronized void addJobConfiguration(Path file, JobFileReference ref) {
        files.computeIfAbsent(file, p -> new LinkedHashSet<>()).add(ref.user());
    }

    private static String unquoted(String written) {
        if (written.startsWith("\"") && written.endsWith("\"") && written.length() > 1) {
            return written.substring(1, written.length() - 1);
        }
        return written;
    }

    private synchronized void add(ConfigReference ref, Path base, CaptureContext ctx) {
        String written;
        if (ref.configurationType() == 1) {
            written = ref.target();
        } else if (ref.configurationType() == 5) {
            written = environment.apply(ref.target());
            if (written == null || written.isBlank()) {
                ctx.warn(
                        ref.packagePath(),
                        "configuration file path comes from environment variable '" + ref.target()
                                + "', which is not set on this host");
                return;
            }
        } else {
            return;
        }
        written = unquoted(written.trim());
        Optional<Path> path = base == null && !isAbsolute(written)
                ? Optional.empty()
                : hostPaths.resolve(written, base == null ? hostPaths.root() : base);
        if (path.isEmpty()) {
            ctx.warn(
                    ref.packagePath(),
                    "configuration file '" + written + "' cannot be located on this agent"
                            + (base == null
                                    ? " (relative path in an msdb package, or unmapped drive)"
                                    : " (unmapped drive)"));
            return;
        }
        files.computeIfAbsent(path.get(), p -> new LinkedHashSet<>()).add(ref.packagePath());
    }

    private static boolean isAbsolute(String p) {
        return p.matches("^[A-Za-z]:[\\\\/].*") || p.startsWith("/") || p.startsWith("\\\\");
    }

    /** Every configuration file found, with the packages that use it. */
    public synchronized Map<Path, Set<String>> files() {
        return files;
    }

    static String joined(Set<String> packages) {
        return String.join("; ", List.copyOf(packages));
    }
}
