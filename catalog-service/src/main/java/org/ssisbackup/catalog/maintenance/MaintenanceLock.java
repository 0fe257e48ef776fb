package org.ssisbackup.catalog.maintenance;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.springframework.stereotype.Component;

/**
 * Lets one maintenance run of a kind go at a time across every catalog instance on the database: a PostgreSQL session
 * advisory lock, held on its own connection for the run (a pooled connection would carry it to whoever borrows it
 * next). A run that finds the lock taken is refused at once ({@link Busy}) rather than queued: a second retention pass
 * right after the first would find nothing, and an HTTP call must not hang behind an hour of verification.
 */
@Component
public class MaintenanceLock {
    /** What runs exclusively. Retention and rebuild share one lock: a rebuild must not bring back what retention deletes. */
    public enum Kind {
        BUCKET_CHANGES(0x5353_4931L, "retention or rebuild"),
        VERIFICATION(0x5353_4932L, "verification");

        final long id;
        final String what;

        Kind(long id, String what) {
            this.id = id;
            this.what = what;
        }

        /** The advisory lock's key in PostgreSQL ({@code pg_locks.objid} holds its low 32 bits). */
        public long id() {
            return id;
        }
    }

    /** The lock is held, by this instance or another. */
    public static class Busy extends RuntimeException {
        Busy(Kind kind) {
            super(kind.what
                    + " is already running (on this or another catalog instance); try again when it has finished");
        }
    }

    private final DataSource dataSource;

    public MaintenanceLock(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public <T> T holding(Kind kind, Supplier<T> run) {
        try (Connection c = dataSource.getConnection()) {
            if (!call(c, "SELECT pg_try_advisory_lock(?)", kind.id)) {
                throw new Busy(kind);
            }
            try {
                return run.get();
            } finally {
                try {
                    call(c, "SELECT pg_advisory_unlock(?)", kind.id);
                } catch (SQLException e) {
                    c.abort(Runnable::run); // ends the session, and the lock with it, instead of pooling a locked
                    // connection
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "cannot take the " + kind.what + " lock in PostgreSQL: " + e.getMessage(), e);
        }
    }

    private static boolean call(Connection c, String sql, long id) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setLong(1, id);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }
}
