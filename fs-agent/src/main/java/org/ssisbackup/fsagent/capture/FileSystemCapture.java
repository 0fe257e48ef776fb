package org.ssisbackup.fsagent.capture;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.ssisbackup.contracts.Artifact;
import org.ssisbackup.contracts.ArtifactKind;
import org.ssisbackup.contracts.BackupCommand;
import org.ssisbackup.contracts.agent.BackupJobRunner;
import org.ssisbackup.contracts.store.BlobStore;
import org.ssisbackup.contracts.store.ContentChangedException;
import org.ssisbackup.contracts.store.StoreException;
import org.ssisbackup.fsagent.FsAgentProperties;

/**
 * Captures a host's file-system side of SSIS: MsDtsSrvr.ini.xml itself, every file under each
 * FileSystemFolder it lists and under the configured extra folders. One file's problem (vanished, unreadable,
 * changed while read) is recorded against that file and the others go on.
 */
public final class FileSystemCapture implements BackupJobRunner.Capture {
    private final FsAgentProperties properties;
    private final HostPaths hostPaths;
    private final BlobStore store;

    public FileSystemCapture(FsAgentProperties properties, BlobStore store) {
        this.properties = properties;
        this.hostPaths = new HostPaths(properties.driveRoots());
        this.store = store;
    }

    @Override
    public void capture(BackupCommand command, BackupJobRunner.CaptureContext ctx) {
        Path ini = properties.serviceConfig();
        Map<Path, String> roots = new LinkedHashMap<>();
        if (ini == null) {
            ctx.failed("(service configuration)", "ssisbackup.fs.service-config is not set");
        } else {
            store(ini.toAbsolutePath().normalize(), ArtifactKind.SERVICE_CONFIG, "service configuration", ini.getParent(), ctx);
            try {
                ServiceConfiguration config = ServiceConfiguration.read(ini);
                for (ServiceConfiguration.Folder f : config.fileSystemFolders()) {
                    if (f.storePath() == null || f.storePath().isEmpty()) {
                        ctx.failed(ini + "#" + f.name(), "FileSystemFolder has no StorePath");
                        continue;
                    }
                    hostPaths.resolve(f.storePath(), ini.toAbsolutePath().getParent()).ifPresentOrElse(
                            p -> roots.putIfAbsent(p, f.name()),
                            () -> ctx.failed(f.storePath(), "drive of folder '" + f.name() + "' is not mapped on this agent"));
                }
            } catch (IOException e) {
                ctx.failed(ini.toString(), "cannot read the service configuration: " + e.getMessage());
            }
        }
        for (Path extra : properties.extraFolders()) {
            roots.putIfAbsent(extra.toAbsolutePath().normalize(), "extra");
        }
        Set<Path> seen = new LinkedHashSet<>();
        roots.forEach((root, name) -> walk(root, name, seen, ctx));
    }

    private void walk(Path root, String folderName, Set<Path> seen, BackupJobRunner.CaptureContext ctx) {
        if (!Files.isDirectory(root)) {
            ctx.failed(root.toString(), "package folder '" + folderName + "' does not exist or is not a folder");
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    // Links are not followed: a link could lead out of the folder (or loop).
                    if (attrs.isRegularFile() && seen.add(file)) {
                        store(file, kindOf(file), folderName, root, ctx);
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

    private void store(Path file, ArtifactKind kind, String folderName, Path root, BackupJobRunner.CaptureContext ctx) {
        try {
            BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class);
            BlobStore.StoredBlob blob = store.storeFile(file);
            Map<String, String> metadata = new LinkedHashMap<>();
            metadata.put("folder", folderName);
            if (root != null && file.startsWith(root)) {
                metadata.put("relativePath", root.relativize(file).toString());
            }
            metadata.put("lastModified", attrs.lastModifiedTime().toInstant().toString());
            ctx.stored(new Artifact(file.toString(), kind, blob.size(), blob.sha256(), blob.key(), metadata), blob.uploaded());
        } catch (IOException | StoreException e) {
            ctx.failed(file.toString(), reason(e));
        }
    }

    static ArtifactKind kindOf(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".dtsx")) return ArtifactKind.FS_PACKAGE;
        if (name.endsWith(".dtsconfig")) return ArtifactKind.CONFIG_FILE;
        return ArtifactKind.FS_FILE;
    }

    static String reason(Exception e) {
        if (e instanceof NoSuchFileException) return "vanished before it could be read";
        if (e instanceof AccessDeniedException) return "unreadable: access denied";
        if (e instanceof ContentChangedException) return "changed while it was read";
        if (e instanceof StoreException) return "cannot store: " + e.getMessage();
        return "unreadable: " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage());
    }
}
