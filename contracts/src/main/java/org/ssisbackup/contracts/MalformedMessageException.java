package org.ssisbackup.contracts;

/**
 * A message that can never be handled, whatever the retries: the binder sends it to the dead-letter topic
 * with this message as the reason, and the consumer goes on with the next record.
 */
public class MalformedMessageException extends RuntimeException {
    public MalformedMessageException(String reason) {
        super(reason);
    }

    public MalformedMessageException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
