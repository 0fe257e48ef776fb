package org.ssisbackup.msdbagent.capture;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.ssisbackup.agent.capture.CaptureContext;
import org.ssisbackup.contracts.ArtifactKind;
import org.ssisbackup.contracts.BackupCommand;
import org.ssisbackup.contracts.ObjectKeys;
import org.ssisbackup.msdbagent.msdb.BackupFile;
import org.ssisbackup.msdbagent.msdb.MsdbAgentProperties;
import org.ssisbackup.msdbagent.msdb.MsdbConnector;
import org.ssisbackup.msdbagent.msdb.MsdbException;
import org.ssisbackup.msdbagent.msdb.MsdbMetrics;
import org.ssisbackup.msdbagent.msdb.SqlInstance;
import org.ssisbackup.storage.BlobStore;
import org.ssisbackup.storage.StoreException;
import org.ssisbackup.storage.repository.Repository;

/**
 * A native backup of msdb: {@code BACKUP DATABASE msdb ... WITH COPY_ONLY, CHECKSUM} (so the server's own backup
 * chain is untouched), {@code COMPRESSION} where the edition has it, then {@code RESTORE VERIFYONLY ... WITH
 * CHECKSUM}; only a verified file is stored. {@code TO DISK}: the agent streams the file to S3 (multipart for
 * large files) and removes it. {@code TO URL} (SQL Server 2022): the server writes to a staging key of the bucket
 * and the agent moves it under its content address. This is the disaster-recovery copy of the whole msdb
 * (jobs, history, packages); single packages restore from the package exports.
 */
public final class NativeMsdbBackup {
    private static final Logger log = LoggerFactory.getLogger(NativeMsdbBackup.class);
    /** The logical path of the native backup in a restore point; it never collides with a package path (\...). */
    public static final String LOGICAL_PATH = "native:msdb";

    static final int COMPRESSION_NOT_SUPPORTED = 1844;
    static final String PERMISSION_HINT = "BACKUP DATABASE needs db_backupoperator (or db_owner) in msdb";

    private final MsdbConnector connector;
    private final BlobStore store;
    private final MsdbMetrics metrics;
    private final MsdbAgentProperties.NativeBackup settings;
    private final String hostId;

    public NativeMsdbBackup(
            String hostId,
            MsdbConnector connector,
            BlobStore store,
            MsdbMetrics metrics,
            MsdbAgentProperties.NativeBackup settings) {
        this.hostId = hostId;
        this.connector = connector;
        this.store = store;
        this.metrics = metrics;
        this.settings = settings;
    }

    public void capture(BackupCommand command, CaptureContext ctx) throws MsdbException, IOException {
        Instant started = Instant.now();
        String outcome = "failed";
        long bytes = 0;
        try (Connection c = connector.connect()) {
            SqlInstance server = SqlInstance.read(c, connector.queryTimeoutSeconds());
            Repository.StoredContent stored;
            Map<String, String> meta = new LinkedHashMap<>();
            meta.put("serverVersion", server.version());
            meta.put("edition", server.edition());
            meta.put("options", "COPY_ONLY, CHECKSUM");
            meta.put("backupStarted", started.toString());
            if (settings.usesUrl()) {
                stored = toUrl(c, server, command, meta, ctx);
            } else {
                stored = toDisk(c, server, command, meta, ctx);
            }
            bytes = stored.size();
            outcome = "succeeded";
        } catch (SQLException e) {
            MsdbException failure = MsdbException.of("native msdb backup", e, PERMISSION_HINT);
            metrics.failure(failure.reason());
            throw failure;
        } catch (MsdbException e) {
            metrics.failure(e.reason());
            throw e;
        } finally {
            metrics.nativeBackup(Duration.between(started, Instant.now()), outcome, bytes);
        }
    }

    private Repository.StoredContent toDisk(
            Connection c, SqlInstance server, BackupCommand command, Map<String, String> meta, CaptureContext ctx)
            throws SQLException, IOException {
        BackupFile file = BackupFile.in(settings, server, "ssis-backup-msdb-" + command.restorePointId() + ".bak");
        String serverFile = file.serverFile();
        Path agentFile = file.agentFile();
        meta.put("serverFile", serverFile);
        boolean written = false;
        try {
            backup(c, server, "DISK", serverFile, meta, ctx);
            written = true;
            verify(c, "DISK", serverFile);
            if (!Files.isReadable(agentFile)) {
                throw new IOException(
                        "SQL Server wrote " + serverFile + " but this agent cannot read it at " + agentFile
                                + ": set ssisbackup.msdb.native-backup.agent-directory to where that directory is mounted here");
            }
            meta.put("verified", "RESTORE VERIFYONLY WITH CHECKSUM");
            try (java.io.InputStream in = Files.newInputStream(agentFile)) {
                return ctx.store(LOGICAL_PATH, ArtifactKind.MSDB_DATABASE_BACKUP, in, meta);
            }
        } finally {
            removeLocal(agentFile, serverFile, written, ctx);
        }
    }

    private Repository.StoredContent toUrl(
            Connection c, SqlInstance server, BackupCommand command, Map<String, String> meta, CaptureContext ctx)
            throws SQLException, IOException {
        if (server.majorVersion() < 16) {
            throw new IllegalStateException("BACKUP TO URL with S3 needs SQL Server 2022 (16.x); this instance is "
                    + server.version() + ": leave ssisbackup.msdb.native-backup.url empty to back up TO DISK");
        }
        String staged = ObjectKeys.staging(hostId, command.restorePointId(), "msdb.bak");
        String url = settings.urlOf(staged);
        meta.put("serverFile", url);
        try {
            backup(c, server, "URL", url, meta, ctx);
            verify(c, "URL", url);
            meta.put("verified", "RESTORE VERIFYONLY WITH CHECKSUM");
            return adopt(staged, meta, ctx);
        } catch (SQLException | IOException | RuntimeException e) {
            try {
                store.remove(staged);
            } catch (StoreException cleanup) {
                ctx.warn(LOGICAL_PATH, "staged backup " + staged + " could not be removed: " + cleanup.getMessage());
            }
            throw e;
        }
    }

    /**
     * Stores what SQL Server wrote to the staging key (encrypted, like everything the repository holds) and removes the
     * staged object. The read is tied to the ETag seen first, and the ETag is checked again afterwards: a staged object
     * replaced meanwhile fails the part instead of being recorded as the backup.
     */
    private Repository.StoredContent adopt(String staged, Map<String, String> meta, CaptureContext ctx)
            throws IOException {
        String etag = store.stat(staged)
                .orElseThrow(() -> new StoreException("cannot read " + staged + ": NoSuchKey", "NoSuchKey", null))
                .etag();
        Repository.StoredContent stored;
        try (java.io.InputStream in = store.objects().get(staged, etag)) {
            stored = ctx.store(LOGICAL_PATH, ArtifactKind.MSDB_DATABASE_BACKUP, in, meta);
        }
        String now =
                store.stat(staged).map(org.ssisbackup.storage.ObjectInfo::etag).orElse(null);
        if (!etag.equals(now)) {
            throw new org.ssisbackup.storage.ContentChangedException(staged + " changed while it was stored");
        }
        store.remove(staged);
        return stored;
    }

    private void backup(
            Connection c,
            SqlInstance server,
            String device,
            String target,
            Map<String, String> meta,
            CaptureContext ctx)
            throws SQLException {
        boolean compress = server.mayCompress();
        try {
            runBackup(c, device, target, compress);
        } catch (SQLException e) {
            if (!compress || !compressionNotSupported(e)) {
                throw e;
            }
            ctx.warn(
                    LOGICAL_PATH,
                    "this edition (" + server.edition() + ") cannot compress backups: written uncompressed");
            compress = false;
            runBackup(c, device, target, false);
        }
        meta.put("compressed", String.valueOf(compress));
        if (compress) {
            meta.put("options", meta.get("options") + ", COMPRESSION");
        }
    }

    /** SQL Server answers 1844 followed by 3013 ("BACKUP DATABASE is terminating abnormally"); look at each. */
    static boolean compressionNotSupported(SQLException e) {
        for (SQLException x = e; x != null; x = x.getNextException()) {
            String m = x.getMessage() == null ? "" : x.getMessage();
            if (x.getErrorCode() == COMPRESSION_NOT_SUPPORTED || m.contains("WITH COMPRESSION is not supported")) {
                return true;
            }
        }
        return false;
    }

    /** The target is a parameter, never spliced into the statement: a path with a quote cannot break out. */
    private void runBackup(Connection c, String device, String target, boolean compress) throws SQLException {
        String sql = "BACKUP DATABASE [msdb] TO " + device + " = ? WITH COPY_ONLY, CHECKSUM, FORMAT"
                + (device.equals("DISK") ? ", INIT" : "") + (compress ? ", COMPRESSION" : "")
                + ", NAME = N'ssis-backup copy-only backup of msdb'";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setQueryTimeout(timeoutSeconds());
            ps.setString(1, target);
            ps.execute();
        }
    }

    private void verify(Connection c, String device, String target) throws SQLException {
        BackupFile.verifyOnly(c, device, target, timeoutSeconds());
    }

    private void removeLocal(Path agentFile, String serverFile, boolean written, CaptureContext ctx) {
        try {
            if (!Files.deleteIfExists(agentFile) && written) {
                ctx.warn(
                        LOGICAL_PATH,
                        "the backup file " + serverFile + " may remain on the server: the agent could not see it");
            }
        } catch (IOException e) {
            log.warn("cannot remove the local msdb backup {}: {}", agentFile, e.toString());
            ctx.warn(LOGICAL_PATH, "the local backup file " + agentFile + " could not be removed: " + e.getMessage());
        }
    }

    private int timeoutSeconds() {
        return (int) Math.max(1, settings.timeout().toSeconds());
    }
}
