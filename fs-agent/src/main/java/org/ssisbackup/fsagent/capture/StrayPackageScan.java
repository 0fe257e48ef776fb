package org.ssisbackup.fsagent.capture;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.ssisbackup.agent.capture.CaptureContext;

/**
 * The optional look for packages and configuration files that nothing captures: the SSIS documentation warns that
 * packages may be stored in folders other than those MsDtsSrvr.ini.xml lists, and a job or a scheduled task may run
 * them from there. Walks the configured roots ({@code ssisbackup.fs.discovery-roots}) after a capture and warns of every
 * {@code *.dtsx} and {@code *.dtsConfig} outside what the job captured; the count is the
 * {@code ssis_fs_packages_outside_captured_files} gauge. Reports, never captures: what to keep is the admin's choice.
 */
public final class StrayPackageScan {
    /** The most entries one scan visits: a whole data drive must not keep a backup job running for hours. */
    static final long MAX_ENTRIES = 2_000_000;
    /** The most strays warned of one by one; the rest are counted in one warning. */
    static final int MAX_WARNINGS = 500;

    private final List<Path> roots;
    private final long maxEntries;
    private final AtomicLong lastFound = new AtomicLong();

    public StrayPackageScan(List<Path> roots) {
        this(roots, MAX_ENTRIES);
    }

    StrayPackageScan(List<Path> roots, long maxEntries) {
        this.roots = List.copyOf(roots);
        this.maxEntries = maxEntries;
    }

    /** How many strays the last scan found (the gauge's value). */
    public AtomicLong lastFound() {
        return lastFound;
    }

    boolean configured() {
        return !roots.isEmpty();
    }

    /** Warns of every package or configuration file under the roots that is not in {@code captured}. */
    void scan(Set<Path> captured, HostPaths hostPaths, CaptureContext ctx) {
        long[] visited = {0};
        long[] found = {0};
        boolean[] stopped = {false};
        for (Path root : roots) {
            Path start = root.toAbsolutePath().normalize();
            if (!Files.isDirectory(start)) {
                ctx.warn(start.toString(), "discovery root does not exist or is not a folder");
                continue;
            }
            try {
                Files.walkFileTree(start, new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                        return ++visited[0] > maxEntries ? stop() : FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                        if (++visited[0] > maxEntries) {
                            return stop();
                        }
                        if (attrs.isRegularFile() && isSsisFile(file) && !captured.contains(file)) {
                            if (++found[0] <= MAX_WARNINGS) {
                                ctx.warn(
                                        hostPaths.hostPathOf(file),
                                        (FileSystemCapture.kindOf(file)
                                                                == org.ssisbackup.contracts.ArtifactKind.FS_PACKAGE
                                                        ? "package"
                                                        : "configuration file")
                                                + " outside any captured folder: not backed up (add its folder to"
                                                + " MsDtsSrvr.ini.xml or ssisbackup.fs.extra-folders)");
                            }
                        }
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFileFailed(Path file, IOException e) {
                        return FileVisitResult.CONTINUE; // an unreadable corner of a drive is not this scan's concern
                    }

                    private FileVisitResult stop() {
                        stopped[0] = true;
                        return FileVisitResult.TERMINATE;
                    }
                });
            } catch (IOException e) {
                ctx.warn(start.toString(), "discovery stopped: " + e.getMessage());
            }
            if (stopped[0]) {
                break;
            }
        }
        if (found[0] > MAX_WARNINGS) {
            ctx.warn(
                    "(discovery)",
                    (found[0] - MAX_WARNINGS) + " more packages or configuration files outside any"
                            + " captured folder");
        }
        if (stopped[0]) {
            ctx.warn(
                    "(discovery)",
                    "discovery stopped after " + maxEntries + " entries: narrow" + " ssisbackup.fs.discovery-roots");
        }
        lastFound.set(found[0]);
    }

    private static boolean isSsisFile(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".dtsx") || name.endsWith(".dtsconfig");
    }
}
