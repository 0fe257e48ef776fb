package org.ssisbackup.contracts;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class MessageCodecTest {
    private final UUID job = UUID.randomUUID();
    private final UUID point = UUID.randomUUID();
    private static final String SHA = "ab".repeat(32);

    @Test
    void everyMessageRoundTripsWithItsTypeName() {
        List<VersionedMessage> messages = List.of(
                new BackupCommand(
                        MessageMeta.create(job, "sql01"),
                        AgentKind.MSDB,
                        point,
                        Set.of(AgentKind.MSDB, AgentKind.FILESYSTEM),
                        Set.of(BackupScope.MSDB, BackupScope.FILESYSTEM)),
                new JobAccepted(
                        MessageMeta.create(job, "sql01"), AgentKind.FILESYSTEM, "0.1.0", JobAccepted.JobType.BACKUP),
                new ArtifactsStored(
                        MessageMeta.create(job, "sql01"),
                        AgentKind.FILESYSTEM,
                        point,
                        List.of(new Artifact(
                                "C:/x.dtsx", ArtifactKind.FS_PACKAGE, 3, SHA, ObjectKeys.blob(SHA), Map.of("k", "v")))),
                new ConfigReferencesFound(
                        MessageMeta.create(job, "sql01"),
                        AgentKind.MSDB,
                        point,
                        List.of(new ConfigReference("\\ETL\\Load", 1, "C:\\c.dtsConfig"))),
                new AgentJobFinished(
                        MessageMeta.create(job, "sql01"),
                        AgentKind.MSDB,
                        point,
                        Set.of(AgentKind.MSDB),
                        Outcome.PARTIALLY_FAILED,
                        4,
                        100,
                        50,
                        null,
                        List.of(new AgentError("\\p", "unreadable"))),
                new RestoreCommand(
                        MessageMeta.create(job, "sql02"),
                        AgentKind.MSDB,
                        "sql01",
                        point,
                        new RestoreOptions(
                                Set.of(BackupScope.SSISDB),
                                List.of("\\ETL\\**"),
                                "D:\\Restore",
                                OverwritePolicy.IF_CHANGED,
                                true,
                                "\\Restored",
                                true)));
        for (VersionedMessage m : messages) {
            byte[] json = MessageCodec.encode(m);
            assertThat(new String(json, StandardCharsets.UTF_8))
                    .contains("\"type\":\"" + m.getClass().getSimpleName() + "\"");
            VersionedMessage back =
                    m instanceof AgentCommand ? MessageCodec.decodeCommand(json) : MessageCodec.decodeEvent(json);
            assertThat(back).isEqualTo(m);
        }
    }

    @Test
    void rejectsWhatCannotBeHandledWithAReason() {
        assertThatThrownBy(() -> MessageCodec.decodeCommand("not json".getBytes(UTF_8)))
                .isInstanceOf(MalformedMessageException.class)
                .hasMessageContaining("not a valid AgentCommand");
        assertThatThrownBy(() -> MessageCodec.decodeCommand(new byte[0]))
                .isInstanceOf(MalformedMessageException.class)
                .hasMessageContaining("empty");
        assertThatThrownBy(() -> MessageCodec.decodeCommand("{\"type\":\"Nope\"}".getBytes(UTF_8)))
                .isInstanceOf(MalformedMessageException.class);
        assertThatThrownBy(() -> MessageCodec.decodeCommand(
                        "{\"type\":\"BackupCommand\",\"agents\":[],\"scope\":[]}".getBytes(UTF_8)))
                .isInstanceOf(MalformedMessageException.class)
                .hasMessageContaining("meta");
        String future = MessageCodec.encodeToString(new JobAccepted(
                new MessageMeta(99, UUID.randomUUID(), job, "sql01", java.time.Instant.now()),
                AgentKind.MSDB,
                "x",
                null));
        assertThatThrownBy(() -> MessageCodec.decodeEvent(future.getBytes(UTF_8)))
                .isInstanceOf(MalformedMessageException.class)
                .hasMessageContaining("schema version 99");
        String badHost = MessageCodec.encodeToString(
                new JobAccepted(MessageMeta.create(job, "../etc"), AgentKind.MSDB, "x", null));
        assertThatThrownBy(() -> MessageCodec.decodeEvent(badHost.getBytes(UTF_8)))
                .isInstanceOf(MalformedMessageException.class)
                .hasMessageContaining("host id");
        String noPoint = MessageCodec.encodeToString(new BackupCommand(
                        MessageMeta.create(job, "h"),
                        AgentKind.MSDB,
                        point,
                        Set.of(AgentKind.MSDB),
                        Set.of(BackupScope.MSDB)))
                .replace("\"restorePointId\"", "\"other\"");
        assertThatThrownBy(() -> MessageCodec.decodeCommand(noPoint.getBytes(UTF_8)))
                .isInstanceOf(MalformedMessageException.class)
                .hasMessageContaining("restorePointId");
    }

    @Test
    void newerMinorFieldsAreIgnored() {
        String json = MessageCodec.encodeToString(
                        new JobAccepted(MessageMeta.create(job, "sql01"), AgentKind.MSDB, "1", null))
                .replace("{\"type\"", "{\"addedLater\":true,\"type\"");
        assertThat(MessageCodec.decodeEvent(json.getBytes(UTF_8))).isInstanceOf(JobAccepted.class);
    }

    @Test
    void outcomesCombine() {
        assertThat(Outcome.combine(List.of(Outcome.SUCCEEDED, Outcome.SUCCEEDED)))
                .isEqualTo(Outcome.SUCCEEDED);
        assertThat(Outcome.combine(List.of(Outcome.SUCCEEDED, Outcome.FAILED))).isEqualTo(Outcome.PARTIALLY_FAILED);
        assertThat(Outcome.combine(List.of(Outcome.FAILED, Outcome.FAILED))).isEqualTo(Outcome.FAILED);
        assertThat(Outcome.combine(List.of(Outcome.PARTIALLY_FAILED))).isEqualTo(Outcome.PARTIALLY_FAILED);
    }
}
