package org.ssisbackup.testkit.msdb;

/** An error the stand-in returns to the client as a TDS ERROR token, with SQL Server's error number. */
public class StandInSqlException extends RuntimeException {
    private final int number;
    private final int severity;

    public StandInSqlException(int number, String message) {
        this(number, 16, message);
    }

    public StandInSqlException(int number, int severity, String message) {
        super(message);
        this.number = number;
        this.severity = severity;
    }

    public int number() {
        return number;
    }

    public int severity() {
        return severity;
    }
}
