package org.ssisbackup.orchestrator.enrolment;

import org.ssisbackup.contracts.AgentEnrolment;

/** Puts the orchestrator's enrolment decisions where the catalog reads them (signed: the catalog checks). */
public interface EnrolmentPublisher {
    /** Sends one decision; throws when the broker did not take it. */
    void publish(AgentEnrolment enrolment);
}
