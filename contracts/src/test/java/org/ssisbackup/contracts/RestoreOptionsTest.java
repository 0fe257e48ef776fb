package org.ssisbackup.contracts;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RestoreOptionsTest {

    static RestoreOptions withPath(String targetPath) {
        return new RestoreOptions(null, null, targetPath, null, null, null, null);
    }

    @Test
    void defaultsRestoreEverythingToItsPlaceNeverOverwriting() {
        RestoreOptions o = RestoreOptions.defaults();
        assertThat(o.scope()).isEmpty();
        assertThat(o.include()).isEmpty();
        assertThat(o.overwrite()).isEqualTo(OverwritePolicy.NEVER);
        assertThat(o.isDryRun()).isFalse();
        assertThat(o.covers(ArtifactKind.MSDB_PACKAGE)).isTrue();
        assertThat(o.restoresProtection()).isTrue();
    }

    static RestoreOptions copy(String copyTo) {
        return new RestoreOptions(null, null, null, null, null, null, null, null, null, null, copyTo);
    }

    @Test
    void aCrossStoreCopyIsNamedAsDtutilNamesItAndCopiesTheOtherStoresPackagesOnly() {
        RestoreOptions toFiles = copy("file;D:\\Restored");
        assertThat(toFiles.copyTarget()).hasValueSatisfying(c -> {
            assertThat(c.store()).isEqualTo(RestoreOptions.CopyTarget.Store.FILE);
            assertThat(c.destination()).isEqualTo("D:\\Restored");
            assertThat(c.writer()).isEqualTo(AgentKind.FILESYSTEM);
            assertThat(c.source()).isEqualTo(AgentKind.MSDB);
        });
        assertThat(toFiles.covers(ArtifactKind.MSDB_PACKAGE)).isTrue();
        assertThat(toFiles.covers(ArtifactKind.MSDB_FOLDER)).isFalse();
        assertThat(toFiles.covers(ArtifactKind.FS_PACKAGE)).isFalse();
        RestoreOptions toMsdb = copy("SQL;\\Imported");
        assertThat(toMsdb.copyTarget().orElseThrow().writer()).isEqualTo(AgentKind.MSDB);
        assertThat(toMsdb.covers(ArtifactKind.FS_PACKAGE)).isTrue();
        assertThat(toMsdb.covers(ArtifactKind.CONFIG_FILE)).isFalse();
        assertThat(MessageCodec.decodeDocument(MessageCodec.encode(toMsdb), RestoreOptions.class)
                        .copyTarget())
                .isEqualTo(toMsdb.copyTarget());
        assertThat(RestoreOptions.defaults().copyTarget()).isEmpty();

        assertThatThrownBy(() -> copy("DTS;\\File System\\x")).hasMessageContaining("FILE;<folder>");
        assertThatThrownBy(() -> copy("FILE;")).hasMessageContaining("FILE;<folder>");
        assertThatThrownBy(() -> copy("FILE;relative\\x")).hasMessageContaining("absolute folder");
        assertThatThrownBy(() -> copy("FILE;D:\\a\\..\\b")).hasMessageContaining("'..'");
        assertThatThrownBy(() -> copy("SQL;\\a\u0000b")).hasMessageContaining("control characters");
        assertThatThrownBy(() -> new RestoreOptions(
                        null, null, "D:\\x", null, null, null, null, null, null, null, "SQL;\\Imported"))
                .hasMessageContaining("no targetPath, targetFolder or scope");
    }

    @Test
    void filesProtectionIsRestoredUnlessAskedNotToAndTheChoiceTravels() {
        RestoreOptions skip = new RestoreOptions(null, null, null, null, null, null, null, null, false);
        assertThat(skip.restoresProtection()).isFalse();
        RestoreOptions decoded = MessageCodec.decodeDocument(MessageCodec.encode(skip), RestoreOptions.class);
        assertThat(decoded.restoresProtection()).isFalse();
        assertThat(MessageCodec.decodeDocument(
                                "{\"overwrite\":\"never\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                                RestoreOptions.class)
                        .restoresProtection())
                .as("absent: restored (a command from before the field)")
                .isTrue();
        assertThat(skip.scratch("/tmp/x", "\\__drill\\p").restoresProtection()).isFalse();
    }

    @Test
    void aScopeCoversOnlyItsKinds() {
        RestoreOptions ssisdb = new RestoreOptions(Set.of(BackupScope.SSISDB), null, null, null, null, null, null);
        assertThat(ssisdb.covers(ArtifactKind.SSISDB_PROJECT)).isTrue();
        assertThat(ssisdb.covers(ArtifactKind.MSDB_PACKAGE)).isFalse();
        assertThat(ssisdb.covers(ArtifactKind.MSDB_FOLDER)).isFalse();
        RestoreOptions nativeOnly =
                new RestoreOptions(Set.of(BackupScope.MSDB_NATIVE), null, null, null, null, null, null);
        assertThat(nativeOnly.covers(ArtifactKind.MSDB_DATABASE_BACKUP)).isTrue();
        assertThat(nativeOnly.covers(ArtifactKind.MSDB_PACKAGE)).isFalse();
    }

    @Test
    void targetPathsMustBeAbsoluteWithoutControlCharactersOrParentSegments() {
        for (String ok : List.of("C:\\Restore", "d:/restore/x", "\\\\files01\\ssis\\restore", "/tmp/restored")) {
            assertThat(withPath(ok).targetPath()).isEqualTo(ok);
        }
        for (String bad : List.of(
                "",
                "restore",
                "../../etc",
                "C:relative",
                "\\\\server",
                "/tmp/a\u0000b",
                "/tmp/\nx",
                "/srv/../etc",
                "C:\\Restore\\..\\Windows",
                "/" + "a".repeat(2000))) {
            assertThatThrownBy(() -> withPath(bad))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("targetPath");
        }
    }

    @Test
    void invalidGlobsAndTooManyOfThemAreRefusedWithTheReason() {
        assertThatThrownBy(() -> new RestoreOptions(null, List.of("["), null, null, null, null, null))
                .hasMessageContaining("'[' without a closing ']'");
        assertThatThrownBy(() -> new RestoreOptions(null, List.of("{a,"), null, null, null, null, null))
                .hasMessageContaining("without a closing '}'");
        assertThatThrownBy(() -> new RestoreOptions(
                        null, Collections.nCopies(RestoreOptions.MAX_INCLUDES + 1, "*"), null, null, null, null, null))
                .hasMessageContaining("at most");
    }

    @Test
    void overwriteIsReadAsPeopleWriteIt() {
        assertThat(OverwritePolicy.parse("ifChanged")).isEqualTo(OverwritePolicy.IF_CHANGED);
        assertThat(OverwritePolicy.parse("if-changed")).isEqualTo(OverwritePolicy.IF_CHANGED);
        assertThat(OverwritePolicy.parse("IF_CHANGED")).isEqualTo(OverwritePolicy.IF_CHANGED);
        assertThat(OverwritePolicy.parse(" Always ")).isEqualTo(OverwritePolicy.ALWAYS);
        assertThatThrownBy(() -> OverwritePolicy.parse("sometimes")).hasMessageContaining("never, ifChanged or always");
    }

    @Test
    void aCommandWithAHostileTargetPathIsMalformedNotRun() {
        String json = MessageCodec.encodeToString(new RestoreCommand(
                        MessageMeta.create(UUID.randomUUID(), "sql01"),
                        AgentKind.FILESYSTEM,
                        "sql01",
                        UUID.randomUUID(),
                        withPath("/restore")))
                .replace("/restore", "../../etc");
        assertThatThrownBy(() -> MessageCodec.decodeCommand(json.getBytes(UTF_8)))
                .isInstanceOf(MalformedMessageException.class)
                .hasMessageContaining("targetPath must be absolute");
    }

    @Test
    void aDrillsIdTravelsAndItsScratchOptionsKeepIt() {
        UUID drill = UUID.randomUUID();
        RestoreCommand command = new RestoreCommand(
                MessageMeta.create(UUID.randomUUID(), "sql01"),
                AgentKind.FILESYSTEM,
                "sql01",
                UUID.randomUUID(),
                RestoreOptions.drillOf(drill, java.util.Set.of()));
        String json = MessageCodec.encodeToString(command);
        assertThat(json).contains("\"drill\":\"" + drill + "\"").doesNotContain("drilling");
        RestoreOptions read = ((RestoreCommand) MessageCodec.decodeCommand(json.getBytes(UTF_8))).options();
        assertThat(read.drilling()).isTrue();
        assertThat(read.drill()).isEqualTo(drill);
        RestoreOptions scratch = read.scratch("/tmp/.ssis-drill-1", "\\__drill\\x");
        assertThat(scratch.drill()).isEqualTo(drill);
        assertThat(scratch.overwrite()).isEqualTo(OverwritePolicy.ALWAYS);
        assertThat(RestoreOptions.defaults().drilling()).isFalse();
    }
}
