package org.ssisbackup.cli.api;

import org.ssisbackup.cli.ExitCode;

/** An API call that did not do what was asked: the service's own reason, and the exit code that says what kind. */
public final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient ExitCode exitCode;

    public ApiException(String message, ExitCode exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    public ExitCode exitCode() {
        return exitCode;
    }

    /** The exit code an HTTP status stands for: refused, not found (an unknown host or point), usage, or failed. */
    static ExitCode of(int status, String reason) {
        if (status == 401 || status == 403) {
            return ExitCode.REFUSED;
        }
        String r = reason.toLowerCase(java.util.Locale.ROOT);
        boolean unknown =
                r.contains("does not know") || r.contains("unknown") || r.contains("no complete restore point");
        if (status == 404 || (status == 422 && unknown)) {
            return ExitCode.NOT_FOUND;
        }
        if (status == 400 || status == 413 || status == 422) {
            return ExitCode.USAGE;
        }
        if (status == 502 || status == 503 || status == 504) {
            return ExitCode.UNREACHABLE;
        }
        return ExitCode.FAILED;
    }
}
