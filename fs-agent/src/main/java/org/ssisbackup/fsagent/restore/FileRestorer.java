package org.ssisbackup.fsagent.restore;

import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.ssisbackup.contracts.AgentError;
import org.ssisbackup.contracts.AgentKind;
import org.ssisbackup.contracts.Artifact;
import org.ssisbackup.contracts.Manifest;
import org.ssisbackup.contracts.MessageMeta;
import org.ssisbackup.contracts.ObjectKeys;
import org.ssisbackup.contracts.Outcome;
import org.ssisbackup.contracts.OverwritePolicy;
import org.ssisbackup.contracts.RestoreCommand;
import org.ssisbackup.contracts.RestoreFinished;
import org.ssisbackup.contracts.agent.BackupJobRunner;
import org.ssisbackup.contracts.store.BlobStore;
import org.ssisbackup.contracts.store.Sha256;
import org.ssisbackup.contracts.store.StoreException;
import org.ssisbackup.fsagent.capture.HostPaths;

/**
 * Restores files of a restore point, to their original paths or under another root. Every item's bytes are
 * downloaded to a temporary file beside the destination and checked against their SHA-256 before an atomic
 * rename puts them in place, so a destination never holds bytes the restore point does not vouch for. A path
 * that would leave the target root (through {@code ..}, a drive, or a symbolic link) is refused and reported.
 */
public final class FileRestorer implements BackupJobRunner.Restore {
    private final String hostId;
    private final BlobStore store;
    private final HostPaths hostPaths;
    private final MeterRegistry registry;

    private final int parallelism;

    public FileRestorer(String hostId, BlobStore store, HostPaths hostPaths, MeterRegistry registry, int parallelism) {
        this.hostId = hostId;
        this.store = store;
        this.hostPaths = hostPaths;
        this.registry = registry;
        this.parallelism = parallelism;
    }

    /** Where each restored item went, shared by the download threads. */
    private static final class Result {
        final List<String> written = new ArrayList<>();
        final List<AgentError> skipped = new ArrayList<>();
        final List<AgentError> refused = new ArrayList<>();
        final List<AgentError> failed = new ArrayList<>();
        long bytes;
    }

    @Override
    public RestoreFinished restore(RestoreCommand c) throws IOException, InterruptedException {
        Manifest manifest = store.readManifest(ObjectKeys.manifest(c.sourceHostId(), c.restorePointId(), AgentKind.FILESYSTEM));
        List<PathMatcher> include = c.include().stream()
                .map(g -> FileSystems.getDefault().getPathMatcher("glob:" + g.replace('\\', '/'))).toList();
        Path root = c.targetPath() == null ? null : Path.of(c.targetPath()).toAbsolutePath().normalize();
        Result result = new Result();
        // Downloads run in parallel (S3 latency bounds a restore of many small packages); decisions stay per item.
        ExecutorService pool = Executors.newFixedThreadPool(parallelism, r -> {
            Thread t = new Thread(r, "fs-agent-restore");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> work = new ArrayList<>();
            for (Artifact a : manifest.artifacts()) {
                String logical = a.logicalPath().replace('\\', '/');
                if (!include.isEmpty() && include.stream().noneMatch(m -> m.matches(Path.of(logical)))) {
                    continue;
                }
                Optional<String> refusal = refusal(logical, root);
                Optional<Path> dest = refusal.isPresent() ? Optional.empty() : destination(a.logicalPath(), logical, root);
                synchronized (result) {
                    if (refusal.isPresent()) {
                        result.refused.add(new AgentError(a.logicalPath(), refusal.get()));
                        continue;
                    }
                    if (dest.isEmpty()) {
                        result.refused.add(new AgentError(a.logicalPath(), "its drive is not mapped on this agent"));
                        continue;
                    }
                }
                work.add(pool.submit(() -> restoreOne(a, dest.get(), root, c, result)));
            }
            for (Future<?> f : work) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    synchronized (result) {
                        result.failed.add(new AgentError("(restore)", "unexpected: " + e.getCause()));
                    }
                }
            }
        } finally {
            pool.shutdownNow();
        }
        synchronized (result) {
            Outcome outcome = Outcome.of(!result.failed.isEmpty() || !result.refused.isEmpty(), !result.written.isEmpty());
            registry.counter("ssis.agent.restored.bytes", "host", hostId, "agent", "filesystem").increment(result.bytes);
            result.written.sort(null);
            return new RestoreFinished(MessageMeta.create(c.meta().jobId(), hostId), AgentKind.FILESYSTEM, c.restorePointId(),
                    outcome, c.dryRun(), result.written, result.skipped, result.refused, result.failed);
        }
    }

    private void restoreOne(Artifact a, Path target, Path root, RestoreCommand c, Result result) {
        try {
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                if (c.overwrite() == OverwritePolicy.NEVER) {
                    synchronized (result) {
                        result.skipped.add(new AgentError(target.toString(), "exists; overwrite is NEVER"));
                    }
                    return;
                }
                if (c.overwrite() == OverwritePolicy.IF_CHANGED && Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)
                        && Sha256.of(target).hex().equals(a.sha256())) {
                    synchronized (result) {
                        result.skipped.add(new AgentError(target.toString(), "unchanged"));
                    }
                    return;
                }
            }
            if (!c.dryRun()) {
                Files.createDirectories(target.getParent());
                if (root != null && !target.getParent().toRealPath().startsWith(root.toRealPath())) {
                    synchronized (result) {
                        result.refused.add(new AgentError(a.logicalPath(), "a symbolic link would take it out of " + root));
                    }
                    return;
                }
                write(a, target);
            }
            synchronized (result) {
                result.written.add(target.toString());
                result.bytes += c.dryRun() ? 0 : a.size();
            }
        } catch (IOException | StoreException e) {
            synchronized (result) {
                result.failed.add(new AgentError(target.toString(), e.getClass().getSimpleName() + ": " + e.getMessage()));
            }
        }
    }

    /** Why a manifest path may not be restored, if it may not. */
    static Optional<String> refusal(String logical, Path root) {
        for (String segment : logical.split("/")) {
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
            return hostPaths.resolve(original, Path.of("/"));
        }
        // Re-rooted: C:/ETL/x.dtsConfig lands at <root>/C/ETL/x.dtsConfig, /srv/a at <root>/srv/a.
        String relative = logical.replaceFirst("^([A-Za-z]):/", "$1/").replaceFirst("^/+", "");
        Path dest = root.resolve(relative).normalize();
        return dest.startsWith(root) && !dest.equals(root) ? Optional.of(dest) : Optional.empty();
    }

    private void write(Artifact a, Path target) throws IOException {
        Path tmp = Files.createTempFile(target.getParent(), ".ssis-restore-", ".tmp");
        try {
            store.download(a.sha256(), tmp);
            String modified = a.metadata().get("lastModified");
            if (modified != null) {
                Files.setLastModifiedTime(tmp, FileTime.from(Instant.parse(modified)));
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static boolean isAbsolute(String p) {
        return p.startsWith("/") || p.matches("^[A-Za-z]:/.*");
    }
}
