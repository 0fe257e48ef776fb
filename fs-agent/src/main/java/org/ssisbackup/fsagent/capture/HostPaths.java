package org.ssisbackup.fsagent.capture;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns paths as SSIS writes them (Windows: {@code C:\ETL\x.dtsConfig}, {@code ..\Packages}) into paths on
 * the machine the agent runs on. On Windows that is the path itself; elsewhere a drive letter maps through
 * the configured drive roots, and backslashes become separators.
 */
public final class HostPaths {
    private static final Pattern DRIVE = Pattern.compile("^([A-Za-z]):[\\\\/](.*)$");
    private static final boolean WINDOWS =
            System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");

    private final Map<String, Path> driveRoots;

    public HostPaths(Map<String, Path> driveRoots) {
        this.driveRoots = new java.util.HashMap<>();
        driveRoots.forEach((k, v) -> this.driveRoots.put(k.replace(":", "").toUpperCase(Locale.ROOT), v));
    }

    /**
     * The path a file has on the SSIS host, as recorded in restore points: itself on Windows; elsewhere a file under a
     * mapped drive root goes back to its drive ({@code /srv/c/ETL/x.dtsConfig} to {@code C:\ETL\x.dtsConfig}), so a
     * point names the host's paths whichever machine the agent ran on and restores on another mapped differently.
     * A file under no mapped root keeps its own path.
     */
    public String hostPathOf(Path local) {
        Path file = local.toAbsolutePath().normalize();
        if (WINDOWS) {
            return file.toString();
        }
        String best = null;
        int bestDepth = -1;
        for (Map.Entry<String, Path> e : driveRoots.entrySet()) {
            Path root = e.getValue().toAbsolutePath().normalize();
            if (file.startsWith(root) && root.getNameCount() > bestDepth) {
                bestDepth = root.getNameCount();
                StringBuilder b = new StringBuilder(e.getKey()).append(":");
                for (Path part : root.relativize(file)) {
                    b.append('\\').append(part);
                }
                best = b.length() == 2 ? b.append('\\').toString() : b.toString();
            }
        }
        return best != null ? best : file.toString();
    }

    /** Resolves {@code written} against {@code base} when relative; empty when a drive has no mapping here. */
    public Optional<Path> resolve(String written, Path base) {
        String p = written.trim();
        if (WINDOWS) {
            Path path = Path.of(p);
            return Optional.of((path.isAbsolute() ? path : base.resolve(path)).normalize());
        }
        Matcher m = DRIVE.matcher(p);
        if (m.matches()) {
            Path root = driveRoots.get(m.group(1).toUpperCase(Locale.ROOT));
            if (root == null) {
                return Optional.empty();
            }
            return Optional.of(root.resolve(m.group(2).replace('\\', '/')).normalize());
        }
        if (p.startsWith("\\\\") || p.startsWith("//")) {
            return Optional.empty(); // a UNC path (\\server\share\...) has no place here: never under "/"
        }
        String posix = p.replace('\\', '/');
        Path path = Path.of(posix);
        return Optional.of((path.isAbsolute() ? path : base.resolve(path)).normalize());
    }
}
