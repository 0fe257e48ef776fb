package org.ssisbackup.storage;

import java.util.List;

/**
 * The bucket could not be read or written. {@link #code()} is the S3 error code when the bucket answered with one
 * ({@code NoSuchKey}, {@code AccessDenied}, ...), otherwise null; the message names the object and the cause, never
 * the credentials.
 */
public class StoreException extends RuntimeException {
    private final String code;

    public StoreException(String message, String code, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public StoreException(String message, Throwable cause) {
        this(message, null, cause);
    }

    public StoreException(String message) {
        this(message, null, null);
    }

    /** The S3 error code, or null when the bucket did not answer with one. */
    public String code() {
        return code;
    }

    /** The object (or bucket) is not there: an answer, not an outage. */
    public boolean notFound() {
        return code != null && List.of("NoSuchKey", "NoSuchObject", "NotFound").contains(code);
    }

    /** The bucket refused the request (a locked object, or no right to it). */
    public boolean refusal() {
        return code != null
                && List.of("AccessDenied", "ObjectLocked", "InvalidRequest").contains(code);
    }
}
