package org.ssisbackup.agent.wiring;

import org.ssisbackup.agent.capture.BackupReport;
import org.ssisbackup.agent.command.JobListener;
import org.ssisbackup.agent.restore.RestoreRun;

/**
 * An agent idles on an SQL Server most of the day, after a backup that may have grown its heap to hundreds of MiB. The
 * serial collector the agents run with (agent-runtime/src/dist/jvm.options) gives memory back only after full
 * collections, and shrinks the heap in steps over consecutive ones: a few of them, once the last job has ended and
 * none is queued (a fraction of a second on an agent's heap), bring it back to what the agent holds at rest.
 * Measured with bench/footprint.sh (docs/operations.md, "Footprint").
 */
final class IdleMemoryRelease implements JobListener {
    private final JobListener next;

    IdleMemoryRelease(JobListener next) {
        this.next = next;
    }

    @Override
    public void backupFinished(BackupReport report) {
        next.backupFinished(report);
    }

    @Override
    public void restoreFinished(RestoreRun.RestoreReport report) {
        next.restoreFinished(report);
    }

    @Override
    public void idle() {
        next.idle();
        release();
    }

    /** Full collections until the heap shrinks no further (the serial collector's shrink factor reaches 100 %). */
    static void release() {
        for (int i = 0; i < 4; i++) {
            System.gc(); // deliberate: see the class comment
        }
    }
}
