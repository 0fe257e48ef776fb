package org.ssisbackup.msdbagent.msdb;

import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.util.Locale;

/**
 * A failure talking to msdb, classified for admins and for the failures-by-reason metric. The text is the
 * driver's message (which names server, login and object, never a password) behind what the agent was doing.
 */
public final class MsdbException extends Exception {
    /** Why msdb refused or failed; the metric's {@code reason} tag. */
    public enum Reason {
        LOGIN_FAILED,
        PERMISSION_DENIED,
        TIMEOUT,
        CONNECTION_LOST,
        NOT_FOUND,
        SQL_ERROR
    }

    private final Reason reason;

    private MsdbException(String message, Reason reason, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    public static MsdbException of(String doing, SQLException e) {
        return of(doing, e, "the login needs db_ssisoperator in msdb to back up, db_ssisadmin to restore");
    }

    /**
     * The exception for a failed call, with its reason.
     *
     * @param permissionHint what the login lacks when the server denies permission */
    public static MsdbException of(String doing, SQLException e, String permissionHint) {
        Reason reason = classify(e);
        String hint = switch (reason) {
            case LOGIN_FAILED -> " (check the login and password settings, or integrated security)";
            case PERMISSION_DENIED -> " (" + permissionHint + ")";
            case TIMEOUT -> " (ssisbackup.msdb.query-timeout)";
            default -> "";
        };
        return new MsdbException(
                doing + ": " + reason.name().toLowerCase(Locale.ROOT).replace('_', ' ') + ": " + e.getMessage() + hint,
                reason,
                e);
    }

    public static MsdbException notFound(String message) {
        return new MsdbException(message, Reason.NOT_FOUND, null);
    }

    static Reason classify(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String message = e.getMessage() == null ? "" : e.getMessage().toLowerCase(Locale.ROOT);
        if (e.getErrorCode() == 18456 || message.startsWith("login failed")) return Reason.LOGIN_FAILED;
        if (e.getErrorCode() == 229
                || e.getErrorCode() == 230
                || e.getErrorCode() == 262
                || message.contains("permission was denied")) {
            return Reason.PERMISSION_DENIED;
        }
        if (e instanceof SQLTimeoutException || message.contains("timed out")) return Reason.TIMEOUT;
        if (state.startsWith("08") || message.contains("connection")) return Reason.CONNECTION_LOST;
        return Reason.SQL_ERROR;
    }
}
