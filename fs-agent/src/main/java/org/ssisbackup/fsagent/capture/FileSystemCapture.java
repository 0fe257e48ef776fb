package org.ssisbackup.fsagent.capture;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.ssisbackup.agent.capture.Capture;
import org.ssisbackup.agent.capture.CaptureContext;
import org.ssisbackup.contracts.AgentKind;
import org.ssisbackup.contracts.Artifact;
import org.ssisbackup.contracts.ArtifactKind;
import org.ssisbackup.contracts.BackupCommand;
import org.ssisbackup.contracts.JobFileReference;
import org.ssisbackup.fsagent.protection.FileProtection;
import org.ssisbackup.ssis.ServiceConfiguration;
import org.ssisbackup.storage.ContentChangedException;
import org.ssisbackup.storage.StoreException;
import org.ssisbackup.storage.repository.Repository;

/**
 * Captures a host's file-system side of SSIS: MsDtsSrvr.ini.xml itself, every file under each
 * FileSystemFolder it lists and under the configured extra folders, and the configuration files that those
 * packages and (in the same job) the host's msdb packages refer to, wherever they are. One file's problem (vanished, unreadable,
 * changed while read) is recorded against that file and the others go on.
 */
public final class FileSystemCapture implements Capture {
    private final FsAgentProperties properties;

    private final HostPaths hostPaths;
    private final MsdbReferences msdbReferences;
    private final HashCache hashes;
    private final PackageInfoCache packageInfos;
    private final ReadHook beforeRead;
    private final FileSelection selection;
    private final StrayPackageScan strays;

    /** Called after a file's attributes are read and before its bytes are: where tests inject faults. */
    @FunctionalInterface
    interface ReadHook {
        void before(Path file) throws IOException;
    }

    public FileSystemCapture(FsAgentProperties properties, MsdbReferences msdbReferences) {
        this(properties, msdbReferences, new StrayPackageScan(properties.discoveryRoots()));
    }

    /** @param strays the search for packages nothing captures, whose count a gauge shows */
    public FileSystemCapture(FsAgentProperties properties, MsdbReferences msdbReferences, StrayPackageScan strays) {
        this(properties, msdbReferences, new HostPaths(properties.driveRoots()), path -> {}, strays);
    }

    FileSystemCapture(FsAgentProperties properties, MsdbReferences msdbReferences, ReadHook beforeRead) {
        this(properties, msdbReferences, new HostPaths(properties.driveRoots()), beforeRead);
    }

    /**
     * @param hostPaths  the file system files are read from (the process's own, or a Windows-configured one in tests)
     * @param beforeRead fault injection in tests
     */
    FileSystemCapture(
            FsAgentProperties properties, MsdbReferences msdbReferences, HostPaths hostPaths, ReadHook beforeRead) {
        this(properties, msdbReferences, hostPaths, beforeRead, new StrayPackageScan(properties.discoveryRoots()));
    }

    private FileSystemCapture(
            FsAgentProperties properties,
            MsdbReferences msdbReferences,
            HostPaths hostPaths,
            ReadHook beforeRead,
            StrayPackageScan strays) {
        this.strays = strays;
        this.properties = properties;
        this.hostPaths = hostPaths;
        this.msdbReferences = msdbReferences;
        this.hashes = new HashCache();
        this.packageInfos = new PackageInfoCache(8192);
        this.beforeRead = beforeRead;
        this.selection = new FileSelection(properties.include(), properties.exclude());
    }

    @Override
    public void capture(BackupCommand command, CaptureContext ctx) throws InterruptedException {
        Path ini = properties.serviceConfig();
        Map<Path, String> roots = new LinkedHashMap<>();
        if (ini == null) {
            ctx.failed("(service configuration)", "ssisbackup.fs.service-config is not set");
        } else {
            store(
                    ini.toAbsolutePath().normalize(),
                    ArtifactKind.SERVICE_CONFIG,
                    "service configuration",
                    ini.getParent(),
                    Map.of(),
                    ctx);
            try {
                ServiceConfiguration config = ServiceConfiguration.read(ini);
                for (ServiceConfiguration.Folder f : config.fileSystemFolders()) {
                    if (f.storePath() == null || f.storePath().isEmpty()) {
                        ctx.failed(ini + "#" + f.name(), "FileSystemFolder has no StorePath");
                        continue;
                    }
                    hostPaths
                            .resolve(f.storePath(), ini.toAbsolutePath().getParent())
                            .ifPresentOrElse(
                                    p -> roots.putIfAbsent(p, f.name()),
                                    () -> ctx.failed(
                                            f.storePath(),
                                            "drive of folder '" + f.name() + "' is not mapped on this agent"));
                }
            } catch (IOException e) {
                ctx.failed(ini.toString(), "cannot read the service configuration: " + e.getMessage());
            }
        }
        for (Path extra : properties.extraFolders()) {
            roots.putIfAbsent(extra.toAbsolutePath().normalize(), "extra");
        }
        Set<Path> seen = new LinkedHashSet<>();
        ConfigurationFiles configs = new ConfigurationFiles(hostPaths, this::environment, packageInfos);
        List<Candidate> candidates = new ArrayList<>();
        roots.forEach((root, name) -> walk(root, name, seen, candidates, ctx));
        storeInParallel(candidates, configs, ctx);
        if (command.agents().contains(AgentKind.MSDB)) {
            // The msdb packages' configuration files live on this host's disks: capture them in the same job.
            msdbReferences
                    .await(command.meta().jobId(), properties.msdbReferencesTimeout())
                    .ifPresentOrElse(
                            found -> {
                                found.references().forEach(r -> configs.addMsdbReference(r, ctx));
                                captureJobFiles(found.jobFiles(), seen, configs, ctx);
                            },
                            () -> ctx.warn(
                                    "(msdb)",
                                    "the msdb agent reported no configuration references for this job;"
                                            + " configuration files of msdb packages were not captured"));
        }
        configs.files().forEach((file, packages) -> {
            if (seen.add(file)) {
                if (Files.isRegularFile(file)) {
                    store(
                            file,
                            ArtifactKind.CONFIG_FILE,
                            "configuration",
                            null,
                            Map.of("referencedBy", ConfigurationFiles.joined(packages)),
                            ctx);
                } else {
                    ctx.warn(
                            file.toString(),
                            "configuration file referenced by " + ConfigurationFiles.joined(packages)
                                    + " does not exist");
                }
            }
        });
        if (strays.configured()) {
            strays.scan(seen, hostPaths, ctx);
        }
    }

    /**
     * The files SQL Server Agent jobs run or load, wherever they are: packages (read for their own configuration
     * files), configuration files (captured with the others) and dtexec command files. Each records the job steps
     * that use it; one that is missing is a warning.
     */
    private void captureJobFiles(
            List<JobFileReference> jobFiles, Set<Path> seen, ConfigurationFiles configs, CaptureContext ctx) {
        Map<Path, List<JobFileReference>> byFile = new LinkedHashMap<>();
        for (JobFileReference ref : jobFiles) {
            configs.locateJobFile(ref, ctx).ifPresent(p -> {
                if (ref.kind() == JobFileReference.Kind.CONFIG_FILE) {
                    configs.addJobConfiguration(p, ref);
                } else {
                    byFile.computeIfAbsent(p, k -> new ArrayList<>()).add(ref);
                }
            });
        }
        byFile.forEach((file, refs) -> {
            String users = String.join(
                    "; ", refs.stream().map(JobFileReference::user).distinct().toList());
            boolean isPackage = refs.get(0).kind() == JobFileReference.Kind.PACKAGE;
            if (!seen.add(file)) {
                return; // already captured from a package folder
            }
            if (!Files.isRegularFile(file)) {
                ctx.warn(
                        file.toString(),
                        (isPackage ? "package" : "dtexec command file") + " run by " + users + " does not exist");
                return;
            }
            store(
                            file,
                            isPackage ? ArtifactKind.FS_PACKAGE : ArtifactKind.FS_FILE,
                            "job",
                            null,
                            Map.of("referencedBy", users),
                            ctx)
                    .filter(a -> isPackage)
                    .ifPresent(a -> configs.readPackage(file, a.sha256(), ctx));
        });
    }

    private String environment(String name) {
        String v = properties.environment().get(name);
        return v != null ? v : System.getenv(name);
    }

    /** A file found by the walk, stored afterwards by the upload pool. */
    private record Candidate(Path file, ArtifactKind kind, String folderName, Path root) {}

    /**
     * Hashes and uploads the walked files on {@code upload-parallelism} threads: S3 latency, not the disk, bounds
     * a backup of many small packages.
     */
    private void storeInParallel(List<Candidate> candidates, ConfigurationFiles configs, CaptureContext ctx)
            throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(properties.uploadParallelism(), r -> {
            Thread t = new Thread(r, "fs-agent-upload");
            t.setDaemon(true);
            return t;
        });
        // At most a few files per thread queued at once: a host of 100,000 files must not hold 100,000 tasks.
        java.util.concurrent.Semaphore queued = new java.util.concurrent.Semaphore(4 * properties.uploadParallelism());
        try {
            List<Future<?>> work = new ArrayList<>();
            for (Candidate c : candidates) {
                queued.acquire();
                work.removeIf(f -> f.isDone() && settled(f, ctx));
                work.add(pool.submit(() -> {
                    try {
                        Optional<Artifact> stored = store(c.file(), c.kind(), c.folderName(), c.root(), Map.of(), ctx);
                        if (c.kind() == ArtifactKind.FS_PACKAGE && stored.isPresent()) {
                            configs.readPackage(c.file(), stored.get().sha256(), ctx);
                        }
                    } finally {
                        queued.release();
                    }
                }));
            }
            for (Future<?> f : work) {
                settled(f, ctx);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Waits for a file's task; an unexpected failure is the job's. Always true (the task is settled). */
    private static boolean settled(Future<?> f, CaptureContext ctx) {
        try {
            f.get();
        } catch (ExecutionException e) {
            ctx.failed("(upload)", "unexpected: " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return true;
    }

    private void walk(Path root, String folderName, Set<Path> seen, List<Candidate> candidates, CaptureContext ctx) {
        if (!Files.isDirectory(root)) {
            ctx.failed(root.toString(), "package folder '" + folderName + "' does not exist or is not a folder");
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    // Links are not followed: a link could lead out of the folder (or loop).
                    if (attrs.isSymbolicLink()) {
                        ctx.warn(file.toString(), "symbolic link to " + linkTarget(file) + " recorded, not followed");
                    } else if (attrs.isRegularFile()) {
                        if (selection.selects(root.relativize(file)) && seen.add(file)) {
                            candidates.add(new Candidate(file, kindOf(file), folderName, root));
                        }
                    } else {
                        ctx.warn(file.toString(), "not a regular file (pipe, socket or device): not captured");
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    ctx.failed(file.toString(), reason(e));
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            ctx.failed(root.toString(), reason(e));
        }
    }

    /**
     * Stores one file and records it as an artifact, or records why it could not be. A file whose size,
     * modification time and inode match what this agent stored before is not read again, and its packs are not looked
     * up again within the repository's pack trust.
     */
    private Optional<Artifact> store(
            Path file, ArtifactKind kind, String folderName, Path root, Map<String, String> extra, CaptureContext ctx) {
        try {
            BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class);
            Repository.Session repository = ctx.repository();
            Optional<Repository.StoredContent> known =
                    hashes.lookup(file, attrs).filter(repository::stillStored);
            Repository.StoredContent content;
            if (known.isPresent()) {
                content = known.get().unchanged();
            } else {
                beforeRead.before(file);
                try (InputStream in = Files.newInputStream(file)) {
                    content = repository.store(in);
                }
                BasicFileAttributes after = Files.readAttributes(file, BasicFileAttributes.class);
                if (after.size() != attrs.size()
                        || !after.lastModifiedTime().equals(attrs.lastModifiedTime())
                        || content.size() != attrs.size()) {
                    // The chunks hold bytes the file really had, but not one version of it: record nothing.
                    throw new ContentChangedException(file + " changed while it was read");
                }
                hashes.remember(file, attrs, content);
            }
            Map<String, String> metadata = new LinkedHashMap<>(extra);
            metadata.put("folder", folderName);
            if (root != null && file.startsWith(root)) {
                metadata.put("relativePath", root.relativize(file).toString());
            }
            metadata.put("lastModified", attrs.lastModifiedTime().toInstant().toString());
            String hostPath = hostPaths.hostPathOf(file);
            try {
                metadata.putAll(FileProtection.read(file));
            } catch (IOException | UnsupportedOperationException | SecurityException e) {
                ctx.warn(hostPath, "owner and permissions not recorded: " + e.getMessage());
            }
            Artifact artifact = content.artifact(hostPath, kind, metadata);
            ctx.stored(artifact, content.anythingNew());
            return Optional.of(artifact);
        } catch (IOException | StoreException e) {
            ctx.failed(file.toString(), reason(e));
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ctx.failed(file.toString(), "interrupted");
            return Optional.empty();
        }
    }

    private static String linkTarget(Path link) {
        try {
            return Files.readSymbolicLink(link).toString();
        } catch (IOException e) {
            return "(unreadable target)";
        }
    }

    static ArtifactKind kindOf(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".dtsx")) return ArtifactKind.FS_PACKAGE;
        if (name.endsWith(".dtsconfig")) return ArtifactKind.CONFIG_FILE;
        return ArtifactKind.FS_FILE;
    }

    /** Windows' sharing violation (error 32): another process holds the file open and shares no reading. */
    private static boolean inUse(java.nio.file.FileSystemException e) {
        String r = e.getReason() == null ? "" : e.getReason();
        return r.contains("being used by another process");
    }

    static String reason(Exception e) {
        if (e instanceof NoSuchFileException) return "vanished before it could be read";
        if (e instanceof AccessDeniedException) return "unreadable: access denied";
        if (e instanceof ContentChangedException) return "changed while it was read";
        if (e instanceof StoreException) return "cannot store: " + e.getMessage();
        if (e instanceof java.nio.file.FileSystemException f && inUse(f)) {
            return "in use by another process that opened it without sharing (" + f.getReason() + ")";
        }
        return "unreadable: " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage());
    }
}
