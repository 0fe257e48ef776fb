package org.ssisbackup.fsagent.restore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.ssisbackup.agent.restore.DrillChecks;
import org.ssisbackup.agent.restore.RestoreContext;
import org.ssisbackup.agent.restore.RestoreHandler;
import org.ssisbackup.contracts.Artifact;
import org.ssisbackup.contracts.ArtifactKind;
import org.ssisbackup.contracts.RestoreOptions;
import org.ssisbackup.fsagent.capture.HostPaths;
import org.ssisbackup.fsagent.protection.FileProtection;
import org.ssisbackup.platform.files.OwnerOnlyFiles;
import org.ssisbackup.ssis.PackageXml;
import org.ssisbackup.ssis.SecureXml;
import org.ssisbackup.storage.Sha256;
import org.ssisbackup.storage.StoreException;

/**
 * Restores files of a restore point, to their original paths or under another root. Every item's bytes are
 * downloaded to a temporary file beside the destination and checked against their SHA-256 before an atomic
 * rename puts them in place, so a destination never holds bytes the restore point does not vouch for. A path
 * that would leave the target root (through {@code ..}, a drive, or a symbolic link) is refused and reported.
 */
public final class FileRestoreHandler implements RestoreHandler {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(FileRestoreHandler.class);
    private final HostPaths hostPaths;
    private final int parallelism;
    private final InPlaceRoots inPlace;

    public FileRestoreHandler(HostPaths hostPaths, int parallelism, InPlaceRoots inPlace) {
        this.hostPaths = hostPaths;
        this.parallelism = parallelism;
        this.inPlace = inPlace;
    }

    /** The host's files; msdb packages only in a cross-store copy to files ({@code copyTo FILE;folder}). */
    @Override
    public Set<ArtifactKind> kinds() {
        return Set.of(
                ArtifactKind.FS_PACKAGE,
                ArtifactKind.CONFIG_FILE,
                ArtifactKind.SERVICE_CONFIG,
                ArtifactKind.FS_FILE,
                ArtifactKind.MSDB_PACKAGE);
    }

    /**
     * Writes the items to their paths, or under the target path; in a cross-store copy ({@code dtutil /COPY FILE}) the
     * msdb packages of the point as {@code <folder>\<msdb folders>\<name>.dtsx}, with the same checks.
     */
    @Override
    public void restore(List<Artifact> items, RestoreContext ctx) throws InterruptedException {
        Optional<RestoreOptions.CopyTarget> copy = ctx.options().copyTarget();
        String targetPath = copy.map(RestoreOptions.CopyTarget::destination)
                .orElse(ctx.options().targetPath());
        Path targetRoot = null;
        if (targetPath != null) {
            // A Windows path (C:\Copied) maps through the drive roots as every other path of the host does.
            Optional<Path> resolved = hostPaths.resolve(targetPath, hostPaths.root());
            if (resolved.isEmpty()) {
                ctx.failed(targetPath, "the target folder's drive or share is not mapped on this host");
                return;
            }
            targetRoot = resolved.get().toAbsolutePath().normalize();
        }
        Path root = targetRoot;
        // Downloads run in parallel (S3 latency bounds a restore of many small packages); decisions stay per item.
        ExecutorService pool = Executors.newFixedThreadPool(parallelism, r -> {
            Thread t = new Thread(r, "fs-agent-restore");
            t.setDaemon(true);
            return t;
        });
        try {
            if (root != null && !ctx.dryRun()) {
                try {
                    Files.createDirectories(root); // a new folder is what a target path usually is
                } catch (IOException e) {
                    ctx.failed(targetPath, "cannot create the target folder: " + e.getMessage());
                    return;
                }
            }
            List<Future<?>> work = new ArrayList<>();
            List<Path> captured = root == null ? inPlace.folders() : List.of();
            for (Artifact a : items) {
                if (copy.isPresent() != (a.kind() == ArtifactKind.MSDB_PACKAGE)) {
                    continue; // msdb packages come only as a copy; a copy writes nothing else
                }
                Optional<String> notCopied = copy.isPresent() ? notCopiable(a) : Optional.empty();
                if (notCopied.isPresent()) {
                    ctx.refused(a.logicalPath(), notCopied.get());
                    continue;
                }
                String logical = copy.isPresent()
                        ? a.logicalPath().replace('\\', '/').replaceFirst("^/+", "") + ".dtsx"
                        : a.logicalPath().replace('\\', '/');
                Optional<String> refusal = refusal(logical, root);
                if (refusal.isPresent()) {
                    ctx.refused(a.logicalPath(), refusal.get());
                    continue;
                }
                Optional<String> reserved = hostPaths.windows() ? windowsRefusal(logical) : Optional.empty();
                if (reserved.isPresent()) {
                    ctx.refused(a.logicalPath(), reserved.get());
                    continue;
                }
                Optional<Path> dest;
                try {
                    dest = destination(a.logicalPath(), logical, root);
                } catch (java.nio.file.InvalidPathException e) {
                    ctx.refused(a.logicalPath(), "not a valid path on this system: " + e.getMessage());
                    continue;
                }
                if (dest.isEmpty()) {
                    ctx.refused(a.logicalPath(), "its drive or share is not mapped on this agent");
                    continue;
                }
                Optional<String> outside =
                        root == null ? inPlace.refusal(a.kind(), dest.get(), captured) : Optional.empty();
                if (outside.isPresent()) {
                    ctx.refused(a.logicalPath(), outside.get());
                    continue;
                }
                work.add(pool.submit(() -> restoreOne(a, dest.get(), root, ctx)));
            }
            for (Future<?> f : work) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    ctx.failed("(restore)", "unexpected: " + e.getCause());
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * A drill: everything restored under the drill's scratch folder (each chunk authenticated, each file's SHA-256
     * checked before it is renamed into place), then read back there: its bytes hashed again, every package parsed
     * and its configuration files looked for in the point, every configuration file and the service configuration
     * parsed as XML. The runner deletes the scratch folder.
     */
    @Override
    public void drill(List<Artifact> items, RestoreContext ctx, DrillChecks checks) throws InterruptedException {
        restore(items, ctx);
        Path root = hostPaths.path(ctx.options().targetPath()).toAbsolutePath().normalize();
        Set<String> inPoint = new java.util.HashSet<>();
        items.forEach(a -> inPoint.add(samePath(a.logicalPath())));
        for (Artifact a : items) {
            Optional<Path> dest = destination(a.logicalPath(), a.logicalPath().replace('\\', '/'), root);
            if (dest.isEmpty() || !Files.isRegularFile(dest.get(), LinkOption.NOFOLLOW_LINKS)) {
                continue; // not restored: the restore reported why
            }
            Path file = dest.get();
            try {
                String hash = Sha256.of(file).hex();
                if (!hash.equals(a.sha256())) {
                    ctx.failed(
                            a.logicalPath(), "restored bytes hash to " + hash + ", the point recorded " + a.sha256());
                    continue;
                }
                checks.itemChecked();
                String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
                if (a.kind() == ArtifactKind.FS_PACKAGE || name.endsWith(".dtsx")) {
                    PackageXml.PackageInfo info;
                    try (java.io.InputStream in = Files.newInputStream(file)) {
                        info = PackageXml.read(in);
                    }
                    checks.documentParsed();
                    for (PackageXml.Configuration c : info.configurations()) {
                        if (!c.isConfigFile()) {
                            continue;
                        }
                        // A relative path is the package's folder's, as the capture resolves it.
                        if (inPoint.contains(samePath(c.string()))
                                || inPoint.contains(samePath(besideOf(a.logicalPath(), c.string())))) {
                            checks.referenceChecked();
                        } else {
                            ctx.failed(
                                    a.logicalPath(),
                                    "its configuration file " + c.string() + " is not in the restore point");
                        }
                    }
                } else if (a.kind() == ArtifactKind.CONFIG_FILE
                        || a.kind() == ArtifactKind.SERVICE_CONFIG
                        || name.endsWith(".dtsconfig")) {
                    wellFormed(file);
                    checks.documentParsed();
                }
            } catch (IOException e) {
                ctx.failed(a.logicalPath(), "not readable as what it is: " + e.getMessage());
            }
        }
    }

    /** {@code relative} in the folder of the item at {@code logicalPath} (as the host names it). */
    private static String besideOf(String logicalPath, String relative) {
        String p = logicalPath.replace('/', '\\');
        int cut = p.lastIndexOf('\\');
        String joined = cut < 0 ? relative : p.substring(0, cut + 1) + relative.replace('/', '\\');
        java.util.Deque<String> parts = new java.util.ArrayDeque<>();
        for (String segment : joined.split("\\\\", -1)) {
            if (segment.equals("..")) {
                parts.pollLast();
            } else if (!segment.equals(".")) {
                parts.addLast(segment);
            }
        }
        return String.join("\\", parts);
    }

    /** A path as Windows compares it: case and separators do not matter. */
    private static String samePath(String path) {
        return path.replace('/', '\\').toLowerCase(java.util.Locale.ROOT);
    }

    /** Reads the whole document (external entities off); a document malformed anywhere throws. */
    private static void wellFormed(Path file) throws IOException {
        try (java.io.InputStream in = Files.newInputStream(file)) {
            javax.xml.stream.XMLStreamReader x = SecureXml.newStreamReader(in);
            try {
                while (x.hasNext()) {
                    x.next();
                }
            } finally {
                x.close();
            }
        } catch (javax.xml.stream.XMLStreamException e) {
            throw new IOException("malformed XML: " + e.getMessage(), e);
        }
    }

    private void restoreOne(Artifact a, Path target, Path root, RestoreContext ctx) {
        try {
            boolean exists = Files.exists(target, LinkOption.NOFOLLOW_LINKS);
            if (!ctx.mayWrite(
                    target.toString(),
                    exists,
                    () -> Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)
                            ? Sha256.of(target).hex()
                            : null,
                    a.sha256())) {
                return;
            }
            if (!ctx.dryRun()) {
                // Checked before anything is created: the deepest folder that exists already must resolve (links
                // followed) inside the target root; only then are the missing ones made.
                if (root != null
                        && !existingAncestor(target.getParent()).toRealPath().startsWith(root.toRealPath())) {
                    ctx.refused(a.logicalPath(), "a symbolic link would take it out of " + root);
                    return;
                }
                Files.createDirectories(target.getParent());
                if (root != null && !target.getParent().toRealPath().startsWith(root.toRealPath())) {
                    ctx.refused(a.logicalPath(), "a symbolic link would take it out of " + root);
                    return;
                }
                write(a, target, root == null, ctx);
            }
            ctx.written(target.toString(), a.size());
        } catch (IOException | StoreException e) {
            ctx.failed(target.toString(), e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private static Path existingAncestor(Path p) {
        Path at = p;
        while (at != null && !Files.exists(at)) {
            at = at.getParent();
        }
        return at == null ? p.getRoot() : at;
    }

    private static final java.util.regex.Pattern RESERVED = java.util.regex.Pattern.compile(
            "(?i)(CON|PRN|AUX|NUL|COM[0-9\u00b9\u00b2\u00b3]|LPT[0-9\u00b9\u00b2\u00b3])(\\..*)?");

    /**
     * Why a path may not be written on Windows, if it may not: a name Windows takes for a device (CON, NUL, COM1,
     * {@code nul.txt} too), or one ending in a dot or a space (Windows drops them: it would be another file). A point
     * captured on another system may hold such names; writing one would open the device, not a file.
     *
     * @param logicalPath the item's path with {@code /} separators
     */
    public static Optional<String> windowsRefusal(String logicalPath) {
        for (String name : logicalPath.split("/", -1)) {
            if (name.isEmpty() || name.matches("[A-Za-z]:")) {
                continue;
            }
            if (RESERVED.matcher(name).matches()) {
                return Optional.of("'" + name + "' is a device name on Windows (CON, PRN, AUX, NUL, COM1-9, LPT1-9):"
                        + " restore it with a targetPath on another system, or rename it");
            }
            if (name.endsWith(".") || name.endsWith(" ")) {
                return Optional.of("'" + name + "' ends in a dot or a space, which Windows drops from names");
            }
        }
        return Optional.empty();
    }

    /**
     * Why an msdb package may not become a file: msdb encrypted it (isencrypted) or it is protected by msdb's roles
     * (ServerStorage, level 5): a file of it could not be opened, as dtutil refuses too.
     */
    static Optional<String> notCopiable(Artifact a) {
        if ("true".equals(a.metadata().get("isencrypted"))) {
            return Optional.of("encrypted by msdb: a file of it could not be opened (copy it with dtutil /DECRYPT)");
        }
        if ("5".equals(a.metadata().get("protectionLevel"))) {
            return Optional.of("protection level ServerStorage exists only in msdb: change the package's protection"
                    + " level before copying it to a file");
        }
        return Optional.empty();
    }

    /** Why a manifest path may not be restored, if it may not. */
    static Optional<String> refusal(String logical, Path root) {
        for (String segment : logical.split("/", -1)) {
            if (segment.equals("..") || segment.equals(".")) {
                return Optional.of("path has a '" + segment + "' segment");
            }
        }
        if (root == null && !isAbsolute(logical)) {
            return Optional.of("not an absolute path: nowhere to restore it without a target path");
        }
        return Optional.empty();
    }

    private Optional<Path> destination(String original, String logical, Path root) {
        if (root == null) {
            return hostPaths.resolve(original, hostPaths.root());
        }
        // Re-rooted: C:/ETL/x.dtsConfig lands at <root>/C/ETL/x.dtsConfig, /srv/a at <root>/srv/a.
        String relative = logical.replaceFirst("^([A-Za-z]):/", "$1/").replaceFirst("^/+", "");
        Path dest = root.resolve(relative).normalize();
        return dest.startsWith(root) && !dest.equals(root) ? Optional.of(dest) : Optional.empty();
    }

    /**
     * Temporary files a killed restore left beside its targets ({@code .ssis-restore-*.tmp}, never a target itself:
     * targets are renamed into place whole) are deleted: under its targetPath, or in place under the folders this
     * agent captures. Configuration files restored in place elsewhere may keep one; it is reported in the log.
     */
    @Override
    public void interrupted(org.ssisbackup.contracts.RestoreCommand command) {
        String targetPath = command.options()
                .copyTarget()
                .map(RestoreOptions.CopyTarget::destination)
                .orElse(command.options().targetPath());
        List<Path> roots = targetPath != null
                ? hostPaths.resolve(targetPath, hostPaths.root()).map(List::of).orElse(List.of())
                : inPlace.folders();
        int removed = 0;
        for (Path root : roots) {
            removed += sweep(root);
        }
        org.slf4j.LoggerFactory.getLogger(FileRestoreHandler.class)
                .info(
                        "restore {} was interrupted: {} temporary file(s) it left removed{}",
                        command.meta().jobId(),
                        removed,
                        targetPath == null
                                ? " (configuration files outside the captured folders are not searched)"
                                : "");
    }

    static int sweep(Path root) {
        if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
            return 0;
        }
        int[] removed = {0};
        try (java.util.stream.Stream<Path> all = Files.walk(root)) {
            all.filter(p -> {
                        String name = p.getFileName().toString();
                        return name.startsWith(".ssis-restore-") && name.endsWith(".tmp");
                    })
                    .filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
                    .forEach(p -> {
                        try {
                            Files.deleteIfExists(p);
                            removed[0]++;
                        } catch (IOException e) {
                            // left for the next sweep
                        }
                    });
        } catch (IOException | java.io.UncheckedIOException e) {
            // an unreadable folder: what could be swept was
        }
        return removed[0];
    }

    /**
     * The bytes to a temporary file beside the target (its owner alone reads it), checked, given the recorded
     * permissions (and, in place, owner and group), renamed into place, then marked with the recorded DOS attributes.
     */
    private void write(Artifact a, Path target, boolean inPlace, RestoreContext ctx) throws IOException {
        Path tmp = OwnerOnlyFiles.createTemp(target.getParent(), ".ssis-restore-", ".tmp");
        try {
            ctx.download(a, tmp);
            String modified = a.metadata().get("lastModified");
            if (modified != null) {
                Files.setLastModifiedTime(tmp, FileTime.from(Instant.parse(modified)));
            }
            // An msdb package copied to a file has no file protection recorded: it is written owner-only.
            boolean protect = ctx.options().restoresProtection() && a.kind() != ArtifactKind.MSDB_PACKAGE;
            Map<String, String> recorded = protect ? a.metadata() : Map.of();
            FileProtection.applyPermissions(tmp, recorded, target, inPlace && protect, note -> {
                log.info("restore of {}: {}", target, note);
                if (!ctx.options().drilling()) {
                    ctx.skipped(target + " (protection)", "written, but " + note);
                }
            });
            FileProtection.allowReplacing(target);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            FileProtection.applyDosAttributes(target, recorded);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static boolean isAbsolute(String p) {
        return p.startsWith("/") || p.matches("^[A-Za-z]:/.*");
    }
}
