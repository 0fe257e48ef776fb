package org.ssisbackup.cli;

/** The exit codes of {@code ssis-backup}, as the README lists them: scripts branch on these. */
public enum ExitCode {
    SUCCEEDED(0),
    FAILED(1),
    PARTIALLY_FAILED(2),
    USAGE(3),
    REFUSED(4),
    UNREACHABLE(5),
    NOT_FOUND(6);

    private final int code;

    ExitCode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** A job's final state as an exit code: succeeded 0, partially failed 2, anything else that ended 1. */
    public static ExitCode ofJobState(String state) {
        return switch (state) {
            case "SUCCEEDED" -> SUCCEEDED;
            case "PARTIALLY_FAILED" -> PARTIALLY_FAILED;
            default -> FAILED;
        };
    }
}
