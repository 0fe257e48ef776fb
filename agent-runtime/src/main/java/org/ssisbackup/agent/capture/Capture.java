package org.ssisbackup.agent.capture;

import org.ssisbackup.contracts.BackupCommand;

/**
 * What an agent kind does inside a backup job (the SPI of the capture side). It stores items and reports each into the
 * context: {@link CaptureContext#stored}, {@link CaptureContext#failed} for one item's problem (the others go on),
 * {@link CaptureContext#warn} for what an admin should know. Throwing ends the agent's part FAILED with the reason.
 */
@FunctionalInterface
public interface Capture {
    void capture(BackupCommand command, CaptureContext context) throws Exception;
}
