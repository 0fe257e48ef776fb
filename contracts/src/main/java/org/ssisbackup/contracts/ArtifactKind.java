package org.ssisbackup.contracts;

/** What one stored item is. */
public enum ArtifactKind {
    MSDB_PACKAGE,
    MSDB_FOLDER,
    MSDB_DATABASE_BACKUP,
    FS_PACKAGE,
    CONFIG_FILE,
    SERVICE_CONFIG,
    /** The rows of an [SSIS Configurations] table that packages use (configuration type 7), as CSV. */
    CONFIG_TABLE,
    /** An SSISDB project as deployed: the .ispac that catalog.get_project returns. */
    SSISDB_PROJECT,
    /** An SSISDB project's parameter values and environment references, as JSON (sensitive values never kept). */
    SSISDB_PARAMETERS,
    /** An SSISDB environment and its variables, as JSON (sensitive values never kept). */
    SSISDB_ENVIRONMENT,
    /** Any other file kept beside packages (admins keep .bat and .xml there). */
    FS_FILE
}
