package org.ssisbackup.contracts;

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a restore writes and how, declared once for the REST request, the orchestrator's record and the command.
 *
 * @param scope        which parts of the point (empty: all of them); each scope is a set of artifact kinds, so
 *                     {@code SSISDB} restores projects and never msdb packages
 * @param include      globs over logical paths (empty: everything; msdb paths like {@code \ETL\**})
 * @param targetPath   a file-system root under which files land instead of their original paths (absolute)
 * @param overwrite    what happens to an item that already exists (default {@link OverwritePolicy#NEVER})
 * @param dryRun       report what would be written, write nothing
 * @param targetFolder an msdb folder (such as {@code \Restored}) under which msdb folders and packages land
 * @param restoreRoles set msdb packages' read and write roles as they were
 * @param drill        the id of a restore drill (issue 17) this restore is part of: the agent restores into a scratch place of its own choosing (a
 *                     temporary folder, an msdb folder {@code \__drill\<point>}), checks what it restored there and
 *                     removes it; never production paths or folders. {@code targetPath} and {@code targetFolder} must
 *                     then be absent
 * @param keepProtection files only: give restored files the owner, permissions (NTFS ACL or POSIX mode) and DOS
 *                     attributes recorded at backup (default true); false: each file keeps the permissions of the file
 *                     it replaces, or its owner's alone (never more readable than the original either way)
 * @param enableJobs   SQL Server Agent jobs only: recreate them enabled as they were (default false: recreated jobs are
 *                     disabled, so a restore never starts running packages on a server by itself)
 * @param copyTo       a cross-store copy, as {@code dtutil /COPY} names its destination: {@code FILE;D:\Restored} writes
 *                     the point's msdb packages as {@code .dtsx} files under that folder (their msdb folders as
 *                     subfolders; the host's fs-agent writes them), {@code SQL;\Imported} writes its file-system
 *                     packages into that msdb folder (their subfolders as msdb folders; the msdb agent writes them
 *                     with {@code sp_ssis_putpackage}). Only packages are copied; {@code scope}, {@code targetPath} and
 *                     {@code targetFolder} do not apply
 */
public record RestoreOptions(
        @OptionalField Set<BackupScope> scope,
        @OptionalField List<String> include,
        @OptionalField String targetPath,
        @OptionalField OverwritePolicy overwrite,
        @OptionalField Boolean dryRun,
        @OptionalField String targetFolder,
        @OptionalField Boolean restoreRoles,
        @OptionalField java.util.UUID drill,
        @OptionalField Boolean keepProtection,
        @OptionalField Boolean enableJobs,
        @OptionalField String copyTo) {

    /** Where a cross-store copy writes: files under a folder, or packages into an msdb folder. */
    public record CopyTarget(Store store, String destination) {
        /** dtutil's names of the two package stores. */
        public enum Store {
            /** .dtsx files in a folder of the host (written by its fs-agent, read from the msdb agent's manifest). */
            FILE,
            /** msdb's package store (written by the msdb agent, read from the fs-agent's manifest). */
            SQL
        }

        /** The agent that writes the copy. */
        public AgentKind writer() {
            return store == Store.FILE ? AgentKind.FILESYSTEM : AgentKind.MSDB;
        }

        /** The agent whose manifest the copy reads: the other store's. */
        public AgentKind source() {
            return store == Store.FILE ? AgentKind.MSDB : AgentKind.FILESYSTEM;
        }

        /** The kind of item copied: the other store's packages. */
        public ArtifactKind copies() {
            return store == Store.FILE ? ArtifactKind.MSDB_PACKAGE : ArtifactKind.FS_PACKAGE;
        }
    }

    /** Options of a restore or drill, no cross-store copy. */
    public RestoreOptions(
            Set<BackupScope> scope,
            List<String> include,
            String targetPath,
            OverwritePolicy overwrite,
            Boolean dryRun,
            String targetFolder,
            Boolean restoreRoles,
            java.util.UUID drill,
            Boolean keepProtection,
            Boolean enableJobs) {
        this(
                scope,
                include,
                targetPath,
                overwrite,
                dryRun,
                targetFolder,
                restoreRoles,
                drill,
                keepProtection,
                enableJobs,
                null);
    }

    /** Options of a restore or drill, jobs recreated disabled. */
    public RestoreOptions(
            Set<BackupScope> scope,
            List<String> include,
            String targetPath,
            OverwritePolicy overwrite,
            Boolean dryRun,
            String targetFolder,
            Boolean restoreRoles,
            java.util.UUID drill,
            Boolean keepProtection) {
        this(scope, include, targetPath, overwrite, dryRun, targetFolder, restoreRoles, drill, keepProtection, null);
    }

    /** Options of a restore or drill, files' protection restored. */
    public RestoreOptions(
            Set<BackupScope> scope,
            List<String> include,
            String targetPath,
            OverwritePolicy overwrite,
            Boolean dryRun,
            String targetFolder,
            Boolean restoreRoles,
            java.util.UUID drill) {
        this(scope, include, targetPath, overwrite, dryRun, targetFolder, restoreRoles, drill, null);
    }

    /** Options of a restore (not a drill). */
    public RestoreOptions(
            Set<BackupScope> scope,
            List<String> include,
            String targetPath,
            OverwritePolicy overwrite,
            Boolean dryRun,
            String targetFolder,
            Boolean restoreRoles) {
        this(scope, include, targetPath, overwrite, dryRun, targetFolder, restoreRoles, null);
    }

    /** Drill {@code drillId} of the whole point (or of these scopes). */
    public static RestoreOptions drillOf(java.util.UUID drillId, Set<BackupScope> scope) {
        return new RestoreOptions(scope, null, null, OverwritePolicy.ALWAYS, false, null, null, drillId);
    }

    /** At most this many include globs. */
    public static final int MAX_INCLUDES = 1_000;

    static final int MAX_PATH = 1024;
    private static final Pattern ABSOLUTE = Pattern.compile("([A-Za-z]:[\\\\/]|\\\\\\\\[^\\\\/]+[\\\\/][^\\\\/]+|/).*");

    /** Checks everything a restore will act on: a message or request that fails here is refused before any work. */
    public RestoreOptions {
        scope = scope == null ? Set.of() : Set.copyOf(scope);
        include = include == null ? List.of() : List.copyOf(include);
        overwrite = overwrite == null ? OverwritePolicy.NEVER : overwrite;
        dryRun = Boolean.TRUE.equals(dryRun);
        restoreRoles = Boolean.TRUE.equals(restoreRoles);
        keepProtection = !Boolean.FALSE.equals(keepProtection);
        enableJobs = Boolean.TRUE.equals(enableJobs);
        if (include.size() > MAX_INCLUDES) {
            throw new IllegalArgumentException("at most " + MAX_INCLUDES + " include globs, not " + include.size());
        }
        include.forEach(LogicalPathGlob::compile);
        if (targetPath != null) {
            requirePrintable("targetPath", targetPath);
            if (!ABSOLUTE.matcher(targetPath).matches()) {
                throw new IllegalArgumentException(
                        "targetPath must be absolute (C:\\Restore, \\\\server\\share\\x or /restore), not '"
                                + LogicalPathGlob.printable(targetPath) + "'");
            }
            if (java.util.Arrays.stream(targetPath.split("[\\\\/]")).anyMatch(".."::equals)) {
                throw new IllegalArgumentException("targetPath must not have a '..' segment");
            }
        }
        if (targetFolder != null) {
            requirePrintable("targetFolder", targetFolder);
        }
        if (copyTo != null) {
            requirePrintable("copyTo", copyTo);
            CopyTarget copy = parseCopy(copyTo);
            if (targetPath != null || targetFolder != null || drill != null || !scope.isEmpty()) {
                throw new IllegalArgumentException(
                        "copyTo names its own destination and copies packages only: no targetPath, targetFolder or"
                                + " scope with it");
            }
            if (copy.store() == CopyTarget.Store.FILE
                    && !ABSOLUTE.matcher(copy.destination()).matches()) {
                throw new IllegalArgumentException("copyTo FILE;<folder> needs an absolute folder (FILE;D:\\Restored)");
            }
            if (java.util.Arrays.stream(copy.destination().split("[\\\\/]"))
                    .anyMatch(s -> s.equals("..") || s.equals("."))) {
                throw new IllegalArgumentException("copyTo's destination must not have a '.' or '..' segment");
            }
        }
    }

    private static CopyTarget parseCopy(String copyTo) {
        int semicolon = copyTo.indexOf(';');
        String store =
                semicolon < 0 ? "" : copyTo.substring(0, semicolon).trim().toUpperCase(java.util.Locale.ROOT);
        String destination =
                semicolon < 0 ? "" : copyTo.substring(semicolon + 1).trim();
        if ((!store.equals("FILE") && !store.equals("SQL")) || destination.isEmpty()) {
            throw new IllegalArgumentException(
                    "copyTo is FILE;<folder> (msdb packages as .dtsx files) or SQL;<msdb folder> (file-system packages"
                            + " into msdb), as dtutil /COPY names them");
        }
        return new CopyTarget(CopyTarget.Store.valueOf(store), destination);
    }

    /** The cross-store copy this restore is, if it is one (named apart from JSON's properties). */
    public java.util.Optional<CopyTarget> copyTarget() {
        return copyTo == null ? java.util.Optional.empty() : java.util.Optional.of(parseCopy(copyTo));
    }

    private static void requirePrintable(String name, String value) {
        if (value.isEmpty() || value.length() > MAX_PATH || value.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException(
                    name + " must be 1-" + MAX_PATH + " characters without control characters");
        }
    }

    /** The include globs, compiled. */
    public List<LogicalPathGlob> includeGlobs() {
        return include.stream().map(LogicalPathGlob::compile).toList();
    }

    /** Everything, to the original places, never overwriting. */
    public static RestoreOptions defaults() {
        return new RestoreOptions(null, null, null, null, null, null, null);
    }

    /** Whether an item of this kind is in the restore's scope (in a cross-store copy: the packages it copies). */
    public boolean covers(ArtifactKind kind) {
        if (copyTo != null) {
            return parseCopy(copyTo).copies() == kind;
        }
        return scope.isEmpty() || scope.contains(kind.scope());
    }

    public boolean isDryRun() {
        return dryRun;
    }

    public boolean restoresRoles() {
        return restoreRoles;
    }

    /** Whether restored files get their recorded owner, permissions and attributes (named apart from JSON's). */
    public boolean restoresProtection() {
        return keepProtection;
    }

    /** Whether recreated jobs keep their enabled flag (named apart from JSON's). */
    public boolean enablesJobs() {
        return enableJobs;
    }

    /** Whether this is a drill (named so that JSON does not take it for a property). */
    public boolean drilling() {
        return drill != null;
    }

    /** A drill's options as the agent runs them: into its scratch places, overwriting what a drill left there. */
    public RestoreOptions scratch(String scratchPath, String scratchFolder) {
        return new RestoreOptions(
                scope,
                include,
                scratchPath,
                OverwritePolicy.ALWAYS,
                false,
                scratchFolder,
                restoreRoles,
                drill,
                keepProtection,
                false,
                null);
    }
}
