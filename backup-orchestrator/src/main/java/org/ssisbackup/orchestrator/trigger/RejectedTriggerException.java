package org.ssisbackup.orchestrator.trigger;

import org.ssisbackup.contracts.MalformedMessageException;

/** A well-formed event the orchestrator will not act on (unknown type or host): dead-lettered with this reason. */
public class RejectedTriggerException extends MalformedMessageException {
    public RejectedTriggerException(String reason) {
        super(reason);
    }
}
