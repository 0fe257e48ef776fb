package org.ssisbackup.testkit.infra;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** A real PostgreSQL server (zonky embedded binaries) on 127.0.0.1, with one database per service. */
public final class EmbeddedPostgresServer implements AutoCloseable {
    private final EmbeddedPostgres postgres;

    private EmbeddedPostgresServer(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    /** A throw-away server on a free port. */
    public static EmbeddedPostgresServer start() throws IOException {
        return start(null, 0);
    }

    /** A server keeping its data in {@code dataDir} (null: a temporary one) on {@code port} (0: a free one). */
    public static EmbeddedPostgresServer start(Path dataDir, int port) throws IOException {
        return start(dataDir, port, java.util.Map.of());
    }

    /** As {@link #start(Path, int)}, with server settings (postgresql.conf names: shared_buffers, work_mem, ...). */
    public static EmbeddedPostgresServer start(Path dataDir, int port, java.util.Map<String, String> settings)
            throws IOException {
        return start(dataDir, port, settings, true);
    }

    /**
     * One server for the Spring contexts of a test JVM: stopped when the JVM exits but only after Spring has closed
     * every application context. zonky's own shutdown hook runs alongside Spring's, so a context still closing could
     * lose its database and wait out a connection timeout.
     */
    public static EmbeddedPostgresServer startStoppedAfterSpringContexts() throws IOException {
        EmbeddedPostgresServer server = start(null, 0, java.util.Map.of(), false);
        org.springframework.boot.SpringApplication.getShutdownHandlers().add(() -> {
            try {
                server.close();
            } catch (IOException e) {
                // the JVM is exiting; zonky's process is gone with it
            }
        });
        return server;
    }

    private static EmbeddedPostgresServer start(
            Path dataDir, int port, java.util.Map<String, String> settings, boolean ownShutdownHook)
            throws IOException {
        Path sockets = Files.createTempDirectory("pg-sock");
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setServerConfig("listen_addresses", "127.0.0.1")
                // The default socket folder /var/run/postgresql may not exist on a fresh machine.
                .setServerConfig("unix_socket_directories", sockets.toString())
                .setRegisterShutdownHook(ownShutdownHook);
        settings.forEach(builder::setServerConfig);
        if (port > 0) {
            builder.setPort(port);
        }
        if (dataDir != null) {
            Files.createDirectories(dataDir);
            builder.setDataDirectory(dataDir).setCleanDataDirectory(false);
        }
        return new EmbeddedPostgresServer(builder.start());
    }

    public int port() {
        return postgres.getPort();
    }

    /** Creates the database if it does not exist yet; returns its JDBC URL. */
    public String createDatabase(String name) throws SQLException {
        try (Connection c = postgres.getPostgresDatabase().getConnection();
                Statement s = c.createStatement()) {
            try (ResultSet rs =
                    s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + name.replace("'", "") + "'")) {
                if (!rs.next()) {
                    s.execute("CREATE DATABASE \"" + name.replace("\"", "") + "\"");
                }
            }
        }
        return jdbcUrl(name);
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port() + "/" + database;
    }

    /** zonky's superuser; the embedded server trusts local connections. */
    public String user() {
        return "postgres";
    }

    @Override
    public void close() throws IOException {
        postgres.close();
    }
}
