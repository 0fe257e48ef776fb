package org.ssisbackup.msdbagent.jobs;

import java.util.List;

/**
 * A SQL Server Agent job as captured: what msdb's job, step and schedule tables hold for it, with names instead of the ids that differ between servers (owner login,
 * category, proxies). Stored as the JSON of a {@code SQL_AGENT_JOB} artifact with the T-SQL that recreates it; read
 * back from the bucket at restore, so every field is bounded here.
 *
 * @param format      1
 * @param script      the T-SQL that recreates the job ({@link JobScript}), for an admin; restores use the fields
 */
public record SqlAgentJob(
        int format,
        String jobId,
        String name,
        boolean enabled,
        String description,
        String category,
        String owner,
        int startStepId,
        List<Step> steps,
        List<Schedule> schedules,
        String script) {

    public static final int FORMAT = 1;
    static final int MAX_NAME = 128;
    static final int MAX_STEPS = 1_000;
    static final int MAX_SCHEDULES = 1_000;
    static final int MAX_COMMAND = 1 << 20;

    public SqlAgentJob {
        if (format != FORMAT) {
            throw new IllegalArgumentException(
                    "job definition format " + format + " (this agent reads " + FORMAT + ")");
        }
        requiredName(name, "job name");
        steps = List.copyOf(steps == null ? List.of() : steps);
        schedules = List.copyOf(schedules == null ? List.of() : schedules);
        if (steps.isEmpty() || steps.size() > MAX_STEPS || schedules.size() > MAX_SCHEDULES) {
            throw new IllegalArgumentException(
                    "a job of 1-" + MAX_STEPS + " steps and at most " + MAX_SCHEDULES + " schedules");
        }
        for (int i = 0; i < steps.size(); i++) {
            if (steps.get(i).stepId() != i + 1) {
                throw new IllegalArgumentException("steps must be numbered 1.." + steps.size() + " in order");
            }
        }
        if (startStepId < 1 || startStepId > steps.size()) {
            throw new IllegalArgumentException("start step " + startStepId + " is not a step of the job");
        }
        bounded(description, 512, "description");
        optionalName(category, "category");
        optionalName(owner, "owner");
        bounded(script, MAX_COMMAND * 4, "script");
    }

    /** One step, as {@code sp_add_jobstep} takes it. */
    public record Step(
            int stepId,
            String name,
            String subsystem,
            String command,
            String databaseName,
            String databaseUserName,
            String server,
            int flags,
            int cmdexecSuccessCode,
            int onSuccessAction,
            int onSuccessStepId,
            int onFailAction,
            int onFailStepId,
            int retryAttempts,
            int retryInterval,
            int osRunPriority,
            String outputFileName,
            String proxy) {
        public Step {
            requiredName(name, "step name");
            requiredName(subsystem, "subsystem");
            if (!subsystem.matches("[A-Za-z]{1,40}")) {
                throw new IllegalArgumentException("a subsystem is a word");
            }
            bounded(command, MAX_COMMAND, "command");
            optionalName(databaseName, "database name");
            optionalName(databaseUserName, "database user name");
            optionalName(server, "server");
            bounded(outputFileName, 200, "output file name");
            optionalName(proxy, "proxy");
        }

        /** Whether the step runs a package: subsystem SSIS, or CmdExec calling dtexec. */
        public boolean runsPackage() {
            return subsystem.equalsIgnoreCase("SSIS")
                    || (subsystem.equalsIgnoreCase("CmdExec")
                            && org.ssisbackup.ssis.DtexecCommandLine.runsDtexec(command));
        }
    }

    /** One schedule, as {@code sp_add_schedule} takes it; {@code uid} tells a schedule shared by several jobs. */
    public record Schedule(
            String uid,
            String name,
            boolean enabled,
            int freqType,
            int freqInterval,
            int freqSubdayType,
            int freqSubdayInterval,
            int freqRelativeInterval,
            int freqRecurrenceFactor,
            int activeStartDate,
            int activeEndDate,
            int activeStartTime,
            int activeEndTime) {
        public Schedule {
            requiredName(name, "schedule name");
            if (uid == null || !uid.matches("[0-9a-fA-F-]{36}")) {
                throw new IllegalArgumentException("a schedule uid is a GUID");
            }
        }
    }

    /** The job's artifact path. */
    public String logicalPath() {
        return "job:" + name;
    }

    private static void requiredName(String value, String what) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("no " + what);
        }
        optionalName(value, what);
    }

    private static void optionalName(String value, String what) {
        if (value != null && (value.length() > MAX_NAME || value.chars().anyMatch(Character::isISOControl))) {
            throw new IllegalArgumentException(
                    "a " + what + " of at most " + MAX_NAME + " characters without control characters");
        }
    }

    private static void bounded(String value, int max, String what) {
        if (value != null && value.length() > max) {
            throw new IllegalArgumentException("a " + what + " of at most " + max + " characters");
        }
    }
}
