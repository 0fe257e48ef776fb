package org.ssisbackup.agent.command;

import org.ssisbackup.agent.capture.BackupReport;
import org.ssisbackup.agent.restore.RestoreRun;

/** Told how each job ended: the agent's metrics, in one place for every agent kind. */
public interface JobListener {
    void backupFinished(BackupReport report);

    void restoreFinished(RestoreRun.RestoreReport report);

    /** The last job taken has ended and none is queued: the agent idles until the next command. */
    default void idle() {}
}
