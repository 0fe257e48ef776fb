package org.ssisbackup.storage.repository;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SelfTestTest {

    @Test
    void oneRoundStoresAndReadsBackTheGeneratedData() {
        SelfTest.Result r = SelfTest.run(1, Duration.ofMinutes(5));
        assertThat(r.rounds()).isEqualTo(1);
        assertThat(r.bytesPerRound()).isGreaterThanOrEqualTo(32L * 1024 * 1024);
    }

    @Test
    void anExhaustedBudgetStillRunsOneRoundAndStops() {
        SelfTest.Result r = SelfTest.run(50, Duration.ZERO);
        assertThat(r.rounds()).isEqualTo(1);
    }
}
