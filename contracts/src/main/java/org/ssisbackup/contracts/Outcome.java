package org.ssisbackup.contracts;

/** How an agent's part of a job ended. */
public enum Outcome {
    SUCCEEDED,
    PARTIALLY_FAILED,
    FAILED;

    /** One part's outcome: no problem, problems beside something done, or problems and nothing done. */
    public static Outcome of(boolean anyProblem, boolean anythingDone) {
        return !anyProblem ? SUCCEEDED : anythingDone ? PARTIALLY_FAILED : FAILED;
    }

    /** Combines the outcomes of several parts: all good, all bad, or a mix. */
    public static Outcome combine(Iterable<Outcome> parts) {
        boolean anySuccess = false;
        boolean anyFailure = false;
        for (Outcome o : parts) {
            switch (o) {
                case SUCCEEDED -> anySuccess = true;
                case FAILED -> anyFailure = true;
                case PARTIALLY_FAILED -> {
                    anySuccess = true;
                    anyFailure = true;
                }
            }
        }
        if (anyFailure) {
            return anySuccess ? PARTIALLY_FAILED : FAILED;
        }
        return SUCCEEDED;
    }
}
