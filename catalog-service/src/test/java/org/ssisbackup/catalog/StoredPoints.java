package org.ssisbackup.catalog;

import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;

/** What the catalog's tables hold about restore points, read directly: the tests' view beside the REST API. */
public final class StoredPoints {
    private StoredPoints() {}

    /** The point's status; null when the catalog does not hold it (never recorded, or expired). */
    public static String status(JdbcClient jdbc, UUID point) {
        return jdbc.sql("SELECT status FROM restore_point WHERE id = ?")
                .param(point)
                .query(String.class)
                .optional()
                .orElse(null);
    }
}
