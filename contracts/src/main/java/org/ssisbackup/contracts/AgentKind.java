package org.ssisbackup.contracts;

/** The two agents that run on every SSIS host. */
public enum AgentKind {
    /** Talks to msdb over mssql-jdbc. */
    MSDB,
    /** Reads the host's file system: package folders, configuration files, MsDtsSrvr.ini.xml. */
    FILESYSTEM
}
