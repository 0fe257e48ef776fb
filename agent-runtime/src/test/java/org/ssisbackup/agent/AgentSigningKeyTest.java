package org.ssisbackup.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.AclFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.messaging.Message;
import org.springframework.messaging.support.MessageBuilder;
import org.ssisbackup.contracts.Topics;
import org.ssisbackup.platform.messaging.MessageSignature;

/** The agent's own key: made once, kept for the agent's account only, and on everything it sends. */
class AgentSigningKeyTest {

    @Test
    void madeAtTheFirstStartKeptAfterAndReadableByTheOwnerOnly(@TempDir Path state) throws Exception {
        AgentSigningKey first = AgentSigningKey.load(null, state);
        AgentSigningKey again = AgentSigningKey.load(null, state);
        assertThat(again.fingerprint()).isEqualTo(first.fingerprint());
        Path file = state.resolve(AgentSigningKey.FILE_NAME);
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                    .isEqualTo("rw-------");
        }
        assertThat(first.toString()).doesNotContain(Files.readString(file).strip());
    }

    @Test
    void onWindowsTheKeyFileHasAnAclOfItsOwnerAlone() throws Exception {
        try (FileSystem windows = Jimfs.newFileSystem(Configuration.windows().toBuilder()
                .setAttributeViews("basic", "owner", "acl", "dos")
                .build())) {
            Path state = windows.getPath("C:\\ProgramData\\ssis-backup\\sql01\\fs");
            AgentSigningKey key = AgentSigningKey.load(null, state);
            Path file = state.resolve(AgentSigningKey.FILE_NAME);
            AclFileAttributeView acl = Files.getFileAttributeView(file, AclFileAttributeView.class);
            assertThat(acl.getAcl()).hasSize(1);
            assertThat(acl.getAcl().get(0).principal()).isEqualTo(acl.getOwner());
            assertThat(AgentSigningKey.load(null, windows.getPath("C:\\PROGRAMDATA\\SSIS-BACKUP\\SQL01\\FS"))
                            .fingerprint())
                    .as("the same folder, however it is spelled")
                    .isEqualTo(key.fingerprint());
        }
    }

    @Test
    void aGivenKeyFileIsUsedAndAMissingOrMalformedOneStopsTheAgentWithWhatToDo(@TempDir Path dir) throws Exception {
        String[] pair = MessageSignature.newKeyPair();
        Path given = Files.writeString(dir.resolve("agent.key"), pair[0] + "\n", StandardCharsets.US_ASCII);
        assertThat(AgentSigningKey.load(given, dir.resolve("state")).publicKey())
                .isEqualTo(pair[1]);
        assertThat(dir.resolve("state")).doesNotExist();

        assertThatThrownBy(() -> AgentSigningKey.load(dir.resolve("none.key"), dir))
                .hasMessageContaining("does not exist")
                .hasMessageContaining("AGENT_SIGNING_KEY_FILE");
        Path bad = Files.writeString(dir.resolve("bad.key"), "hello", StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> AgentSigningKey.load(bad, dir))
                .hasMessageContaining("not an Ed25519 private key")
                .hasMessageNotContaining("hello");
    }

    @Test
    void whatItSendsCarriesItsSignatureAndPublicKey(@TempDir Path state) {
        AgentSigningKey key = AgentSigningKey.load(null, state);
        byte[] value = "{\"type\":\"AgentJobFinished\"}".getBytes(StandardCharsets.UTF_8);
        Message<byte[]> signed = key.sign(MessageBuilder.withPayload(value).build());
        assertThat(signed.getHeaders().get(Topics.AGENT_KEY_HEADER)).isEqualTo(key.publicKey());
        assertThat(MessageSignature.verify(
                        MessageSignature.Purpose.AGENT_MESSAGE,
                        MessageSignature.publicKey(key.publicKey()),
                        value,
                        (String) signed.getHeaders().get(MessageSignature.HEADER)))
                .isTrue();
    }
}
