package org.ssisbackup.fsagent.capture;

import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns paths as SSIS writes them (Windows: {@code C:\ETL\x.dtsConfig}, {@code ..\Packages},
 * {@code \\files01\ssis\x.dtsConfig}) into paths of the file system the agent reads. On a Windows file system that
 * is the path itself (drive letters, UNC shares, any case); elsewhere a drive letter maps through the configured drive
 * roots, and backslashes become separators. Every path the fs-agent touches comes from this file system, never from
 * the process's default one, so capture and restore run the same on Windows and on a Windows-configured in-memory
 * file system in tests.
 */
public final class HostPaths {
    private static final Pattern DRIVE = Pattern.compile("^([A-Za-z]):[\\\\/](.*)$");

    private final FileSystem fileSystem;
    private final boolean windows;
    private final Map<String, Path> driveRoots;

    /** Paths of the process's own file system. */
    public HostPaths(Map<String, Path> driveRoots) {
        this(FileSystems.getDefault(), driveRoots);
    }

    public HostPaths(FileSystem fileSystem, Map<String, Path> driveRoots) {
        this.fileSystem = fileSystem;
        this.windows = "\\".equals(fileSystem.getSeparator()); // Windows' file systems separate with a backslash
        this.driveRoots = new java.util.HashMap<>();
        driveRoots.forEach((k, v) -> this.driveRoots.put(k.replace(":", "").toUpperCase(Locale.ROOT), v));
    }

    /** Whether paths here follow Windows' rules (drive letters and shares, names without case, reserved names). */
    public boolean windows() {
        return windows;
    }

    /** The first root of this file system ("/", or "C:\\"): the base of paths that are absolute anyway. */
    public Path root() {
        return fileSystem.getRootDirectories().iterator().next();
    }

    /** A path of this file system. */
    public Path path(String first, String... more) {
        return fileSystem.getPath(first, more);
    }

    /**
     * The path a file has on the SSIS host, as recorded in restore points: itself on Windows; elsewhere a file under a
     * mapped drive root goes back to its drive ({@code /srv/c/ETL/x.dtsConfig} to {@code C:\ETL\x.dtsConfig}), so a
     * point names the host's paths whichever machine the agent ran on and restores on another mapped differently.
     * A file under no mapped root keeps its own path.
     */
    public String hostPathOf(Path local) {
        Path file = local.toAbsolutePath().normalize();
        if (windows) {
            // The name as the file system has it, not as a package wrote it (d:\ssis\CONFIG\prod.DTSCONFIG): one
            // file is one logical path in every point, however it was referred to.
            try {
                return file.toRealPath(java.nio.file.LinkOption.NOFOLLOW_LINKS).toString();
            } catch (java.io.IOException | SecurityException e) {
                return file.toString();
            }
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
        if (windows) {
            Path path = fileSystem.getPath(p);
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
        Path path = fileSystem.getPath(posix);
        return Optional.of((path.isAbsolute() ? path : base.resolve(path)).normalize());
    }
}
