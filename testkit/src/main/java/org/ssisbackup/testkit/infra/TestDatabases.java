package org.ssisbackup.testkit.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * One embedded PostgreSQL per test JVM, a database per service, stopped when the JVM exits: after the
 * cached Spring contexts that use it, so none of them loses its database while still shutting down.
 */
public final class TestDatabases {
    private static EmbeddedPostgresServer server;

    public static synchronized EmbeddedPostgresServer server() {
        if (server == null) {
            try {
                server = EmbeddedPostgresServer.startStoppedAfterSpringContexts();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start embedded PostgreSQL", e);
            }
        }
        return server;
    }

    /** Points {@code spring.datasource.*} at a (new or existing) database of that name. */
    public static void register(DynamicPropertyRegistry registry, String database) throws SQLException {
        String url = server().createDatabase(database);
        registry.add("spring.datasource.url", () -> url);
        registry.add("spring.datasource.username", server()::user);
    }

    private TestDatabases() {}
}
