package org.ssisbackup.contracts;

/** What one stored item is. */
public enum ArtifactKind {
    MSDB_PACKAGE(BackupScope.MSDB),
    MSDB_FOLDER(BackupScope.MSDB),
    MSDB_DATABASE_BACKUP(BackupScope.MSDB_NATIVE),
    FS_PACKAGE(BackupScope.FILESYSTEM),
    CONFIG_FILE(BackupScope.FILESYSTEM),
    SERVICE_CONFIG(BackupScope.FILESYSTEM),
    /** The rows of an [SSIS Configurations] table that packages use (configuration type 7), as CSV. */
    CONFIG_TABLE(BackupScope.MSDB),
    /** An SSISDB project as deployed: the .ispac that catalog.get_project returns. */
    SSISDB_PROJECT(BackupScope.SSISDB),
    /** An SSISDB project's parameter values and environment references, as JSON (sensitive values never kept). */
    SSISDB_PARAMETERS(BackupScope.SSISDB),
    /** An SSISDB environment and its variables, as JSON (sensitive values never kept). */
    SSISDB_ENVIRONMENT(BackupScope.SSISDB),
    /** Any other file kept beside packages (admins keep .bat and .xml there). */
    FS_FILE(BackupScope.FILESYSTEM),
    /**
     * A SQL Server Agent job that runs a package (logical path {@code job:<name>}): its definition as JSON with the
     * T-SQL that recreates it (msdb holds jobs, so the msdb scope captures them).
     */
    SQL_AGENT_JOB(BackupScope.MSDB);

    private final BackupScope scope;

    ArtifactKind(BackupScope scope) {
        this.scope = scope;
    }

    /** The part of a backup that captures this kind (and the part a restore names to get it back). */
    public BackupScope scope() {
        return scope;
    }
}
