package org.ssisbackup.contracts;

/**
 * A file that a SQL Server Agent job step runs or loads, as its dtexec arguments name it: the host's fs-agent captures
 * it wherever it is, so restoring the job also restores what the job needs.
 *
 * @param job      the job's name
 * @param stepId   the step's number in the job
 * @param stepName the step's name
 * @param kind     what the step does with the file
 * @param path     the path as written in the step (a Windows path on the job's server)
 */
public record JobFileReference(String job, int stepId, String stepName, Kind kind, String path) {

    /** What the file is to the step. */
    public enum Kind {
        /** {@code /FILE}: the package the step runs. */
        PACKAGE,
        /** {@code /CONFIGFILE}: a configuration file loaded at run time. */
        CONFIG_FILE,
        /** {@code /COMMANDFILE}: a file of further dtexec options. */
        COMMAND_FILE
    }

    static final int MAX_NAME = 128;
    static final int MAX_PATH = 4_096;

    public JobFileReference {
        if (job == null || job.isEmpty() || job.length() > MAX_NAME) {
            throw new IllegalArgumentException("a job name of 1-" + MAX_NAME + " characters");
        }
        if (stepName == null || stepName.length() > MAX_NAME) {
            throw new IllegalArgumentException("a step name of at most " + MAX_NAME + " characters");
        }
        if (kind == null) {
            throw new IllegalArgumentException("no kind");
        }
        if (path == null
                || path.isEmpty()
                || path.length() > MAX_PATH
                || path.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("a path of 1-" + MAX_PATH + " characters without control characters");
        }
    }

    /** How an admin reads who uses the file: {@code job:Nightly load step 2 (Load)}. */
    public String user() {
        return "job:" + job + " step " + stepId + " (" + stepName + ")";
    }
}
