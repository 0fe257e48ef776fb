package org.ssisbackup.agent.command;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobJournalTest {
    @TempDir
    Path state;

    @Test
    void aCommandIsTakenOnceAcrossRestartsAndItsJobsStateSurvives() {
        UUID queued = UUID.randomUUID();
        UUID running = UUID.randomUUID();
        UUID done = UUID.randomUUID();
        JobJournal before = new JobJournal(state);
        assertThat(before.admit(running, bytes("first"))).isTrue();
        assertThat(before.admit(running, bytes("first"))).as("redelivered").isFalse();
        assertThat(before.admit(done, bytes("second"))).isTrue();
        assertThat(before.admit(queued, bytes("third"))).isTrue();
        before.started(running);
        before.started(done);
        before.finished(done);

        JobJournal after = new JobJournal(state); // the agent restarted
        assertThat(after.pending())
                .extracting(JobJournal.Pending::jobId, JobJournal.Pending::running)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple(running, true),
                        org.assertj.core.groups.Tuple.tuple(queued, false));
        assertThat(after.pending())
                .filteredOn(p -> p.jobId().equals(queued))
                .singleElement()
                .satisfies(p -> assertThat(new String(p.command(), StandardCharsets.UTF_8))
                        .isEqualTo("third"));
        assertThat(after.admit(done, bytes("second")))
                .as("a finished job's command, replayed")
                .isFalse();
        assertThat(after.admit(queued, bytes("third"))).isFalse();
    }

    @Test
    void aWriteCutShortByACrashIsSweptAndAStrayFileIgnored() throws Exception {
        Files.createDirectories(state.resolve("jobs"));
        Files.writeString(state.resolve("jobs").resolve(UUID.randomUUID() + ".queued.1234.tmp"), "half");
        Files.writeString(state.resolve("jobs").resolve("notes.txt"), "not a job");
        JobJournal journal = new JobJournal(state);
        assertThat(journal.pending()).isEmpty();
        try (var s = Files.list(state.resolve("jobs"))) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("notes.txt");
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
