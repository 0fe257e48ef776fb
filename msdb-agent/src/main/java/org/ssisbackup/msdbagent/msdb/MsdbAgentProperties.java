package org.ssisbackup.msdbagent.msdb;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;

/**
 * Settings of the msdb agent under {@code ssisbackup.msdb}; those every agent has (host id, bucket) are under
 * {@code ssisbackup.agent}.
 *
 * @param jdbcUrl  an mssql-jdbc URL; any standard property works in it (integratedSecurity, encrypt,
 *                 trustServerCertificate, ...) but put the password in {@code password}, never in the URL
 * @param username SQL login (empty with integrated authentication)
 * @param password SQL password; never logged
 * @param queryTimeout how long one query may take before the job fails with a timeout
 * @param loginTimeout how long connecting may take (default 30 s)
 * @param nativeBackup where and how the native msdb backup (scope MSDB_NATIVE) is written
 * @param drillInstance another instance that restore drills use instead of this one (empty: drills restore into the
 *                      msdb folder {@code \__drill\<point>} of this instance and verify native backups here)
 */
@ConfigurationProperties("ssisbackup.msdb")
public record MsdbAgentProperties(
        String jdbcUrl,
        String username,
        String password,
        Duration queryTimeout,
        Duration loginTimeout,
        NativeBackup nativeBackup,
        DrillInstance drillInstance) {
    @ConstructorBinding
    public MsdbAgentProperties {
        queryTimeout = queryTimeout == null ? Duration.ofMinutes(5) : queryTimeout;
        loginTimeout = loginTimeout == null ? Duration.ofSeconds(30) : loginTimeout;
        nativeBackup = nativeBackup == null ? new NativeBackup(null, null, null, null) : nativeBackup;
        drillInstance = drillInstance == null ? new DrillInstance(null, null, null, null, null) : drillInstance;
    }

    /** Settings without a drill instance: drills use this instance. */
    public MsdbAgentProperties(
            String jdbcUrl,
            String username,
            String password,
            Duration queryTimeout,
            Duration loginTimeout,
            NativeBackup nativeBackup) {
        this(jdbcUrl, username, password, queryTimeout, loginTimeout, nativeBackup, null);
    }

    /**
     * The settings drills connect with: the drill instance's connection and backup folders when one is configured
     * (timeouts as for this instance), else these settings.
     */
    public MsdbAgentProperties forDrills() {
        if (!drillInstance.configured()) {
            return this;
        }
        return new MsdbAgentProperties(
                drillInstance.jdbcUrl(),
                drillInstance.username(),
                drillInstance.password(),
                queryTimeout,
                loginTimeout,
                new NativeBackup(
                        drillInstance.backupDirectory(),
                        drillInstance.agentBackupDirectory(),
                        null,
                        nativeBackup.timeout()),
                null);
    }

    @Override
    public String toString() {
        return "MsdbAgentProperties[user=" + username + "]";
    }

    /** The native backup's URL must name the agent's bucket: the agent moves the file under its content address there. */
    public void requireNativeBackupBucket(String bucket) {
        if (nativeBackup.usesUrl() && !nativeBackup.urlBucket().equals(bucket)) {
            throw new IllegalArgumentException("ssisbackup.msdb.native-backup.url must name the agent's bucket '"
                    + bucket + "' (it names '" + nativeBackup.urlBucket()
                    + "'): the agent moves the file under its content address there");
        }
    }

    /**
     * A SQL Server instance kept for restore drills (like dbatools' Test-DbaLastBackup's destination): msdb packages are
     * restored into its {@code \__drill\<point>} folder, read back and removed, and stored native backups are staged
     * into its backup folder for {@code RESTORE VERIFYONLY}. Production msdb is then not written by drills at all.
     *
     * @param jdbcUrl              an mssql-jdbc URL of the drill instance's msdb (empty: no drill instance)
     * @param username             its SQL login (empty with integrated authentication)
     * @param password             its password; never logged
     * @param backupDirectory      a folder the drill instance reads backup files from, as it sees it (empty: its default
     *                             backup directory)
     * @param agentBackupDirectory the same folder as this agent sees it (empty: same as {@code backupDirectory})
     */
    public record DrillInstance(
            String jdbcUrl, String username, String password, String backupDirectory, String agentBackupDirectory) {
        public boolean configured() {
            return jdbcUrl != null && !jdbcUrl.isBlank();
        }

        @Override
        public String toString() {
            return "DrillInstance[user=" + username + "]";
        }
    }

    /**
     * Where and how the native msdb backup (scope MSDB_NATIVE) is written.
     *
     * @param directory      the directory SQL Server writes the backup file to, as SQL Server sees it (empty: the
     *                       instance's default backup directory)
     * @param agentDirectory the same directory as this agent sees it (a share or mount); empty: same as {@code directory}
     * @param url            {@code s3://host:port/bucket} to write with {@code BACKUP ... TO URL} instead (SQL Server
     *                       2022, with a credential for that URL created on the server); empty: TO DISK
     * @param timeout        how long BACKUP and RESTORE VERIFYONLY may each take (default 1 h)
     */
    public record NativeBackup(String directory, String agentDirectory, String url, Duration timeout) {
        public NativeBackup {
            timeout = timeout == null ? Duration.ofHours(1) : timeout;
            if (url != null && !url.isBlank() && !url.matches("s3://[^/]+/[^/]+/?")) {
                throw new IllegalArgumentException(
                        "ssisbackup.msdb.native-backup.url must be s3://host[:port]/bucket, not " + url);
            }
        }

        public boolean usesUrl() {
            return url != null && !url.isBlank();
        }

        String urlBucket() {
            return url.replaceFirst("^s3://[^/]+/", "").replaceAll("/+$", "");
        }

        /** The URL SQL Server writes an object of the agent's bucket to. */
        public String urlOf(String key) {
            return url.replaceAll("/+$", "") + "/" + key;
        }
    }
}
