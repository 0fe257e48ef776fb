package org.ssisbackup.orchestrator.job;

import java.util.Collection;
import org.ssisbackup.contracts.Outcome;

/** The phases of a job and of each agent's part in it (Velero-style: spec written once, status moves forward). */
public enum JobState {
    PENDING,
    DISPATCHED,
    RUNNING,
    SUCCEEDED,
    PARTIALLY_FAILED,
    FAILED,
    TIMED_OUT,
    CANCELLED;

    public boolean isTerminal() {
        return this != PENDING && this != DISPATCHED && this != RUNNING;
    }

    public static JobState of(Outcome outcome) {
        return valueOf(outcome.name());
    }

    /** A job's state from its agents': open while any agent is; else how they ended together. */
    public static JobState combine(Collection<JobState> agents) {
        if (agents.isEmpty()) {
            return PENDING;
        }
        if (agents.stream().anyMatch(s -> !s.isTerminal())) {
            return agents.stream().anyMatch(s -> s == RUNNING || s.isTerminal())
                    ? RUNNING
                    : agents.contains(DISPATCHED) ? DISPATCHED : PENDING;
        }
        if (agents.stream().allMatch(s -> s == SUCCEEDED)) {
            return SUCCEEDED;
        }
        if (agents.stream().allMatch(s -> s == CANCELLED)) {
            return CANCELLED;
        }
        if (agents.stream().allMatch(s -> s == TIMED_OUT)) {
            return TIMED_OUT;
        }
        boolean anySuccess = agents.stream().anyMatch(s -> s == SUCCEEDED || s == PARTIALLY_FAILED);
        return anySuccess ? PARTIALLY_FAILED : FAILED;
    }
}
