package org.ssisbackup.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ssisbackup.orchestrator.job.JobState.CANCELLED;
import static org.ssisbackup.orchestrator.job.JobState.DISPATCHED;
import static org.ssisbackup.orchestrator.job.JobState.FAILED;
import static org.ssisbackup.orchestrator.job.JobState.PARTIALLY_FAILED;
import static org.ssisbackup.orchestrator.job.JobState.PENDING;
import static org.ssisbackup.orchestrator.job.JobState.RUNNING;
import static org.ssisbackup.orchestrator.job.JobState.SUCCEEDED;
import static org.ssisbackup.orchestrator.job.JobState.TIMED_OUT;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.ssisbackup.contracts.Outcome;
import org.ssisbackup.orchestrator.job.JobState;

class JobStateTest {
    @Test
    void aJobIsOpenWhileAnyAgentIs() {
        assertThat(JobState.combine(List.of())).isEqualTo(PENDING);
        assertThat(JobState.combine(List.of(PENDING, PENDING))).isEqualTo(PENDING);
        assertThat(JobState.combine(List.of(PENDING, DISPATCHED))).isEqualTo(DISPATCHED);
        assertThat(JobState.combine(List.of(DISPATCHED, RUNNING))).isEqualTo(RUNNING);
        assertThat(JobState.combine(List.of(SUCCEEDED, DISPATCHED))).isEqualTo(RUNNING);
    }

    @Test
    void aClosedJobCombinesItsAgentsEnds() {
        assertThat(JobState.combine(List.of(SUCCEEDED, SUCCEEDED))).isEqualTo(SUCCEEDED);
        assertThat(JobState.combine(List.of(SUCCEEDED, FAILED))).isEqualTo(PARTIALLY_FAILED);
        assertThat(JobState.combine(List.of(SUCCEEDED, TIMED_OUT))).isEqualTo(PARTIALLY_FAILED);
        assertThat(JobState.combine(List.of(FAILED, TIMED_OUT))).isEqualTo(FAILED);
        assertThat(JobState.combine(List.of(TIMED_OUT, TIMED_OUT))).isEqualTo(TIMED_OUT);
        assertThat(JobState.combine(List.of(CANCELLED))).isEqualTo(CANCELLED);
        assertThat(JobState.combine(List.of(PARTIALLY_FAILED, SUCCEEDED))).isEqualTo(PARTIALLY_FAILED);
    }

    @Test
    void terminalStatesAreTheLastFive() {
        assertThat(List.of(JobState.values()))
                .filteredOn(JobState::isTerminal)
                .containsExactly(SUCCEEDED, PARTIALLY_FAILED, FAILED, TIMED_OUT, CANCELLED);
        for (Outcome o : Outcome.values()) {
            assertThat(JobState.of(o).isTerminal()).isTrue();
        }
    }
}
