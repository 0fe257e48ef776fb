package org.ssisbackup.platform.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CommandSignatureTest {

    @Test
    void onlyTheOrchestratorsKeyOnTheUnchangedCommandVerifies() {
        String[] orchestrator = CommandSignature.newKeyPair();
        String[] other = CommandSignature.newKeyPair();
        byte[] command =
                "{\"type\":\"RestoreCommand\",\"meta\":{\"hostId\":\"sql01\"}}".getBytes(StandardCharsets.UTF_8);
        String sig = CommandSignature.sign(CommandSignature.privateKey(orchestrator[0]), command);

        assertThat(CommandSignature.verify(CommandSignature.publicKey(orchestrator[1]), command, sig))
                .isTrue();
        assertThat(CommandSignature.verify(CommandSignature.publicKey(other[1]), command, sig))
                .isFalse();
        byte[] changed = command.clone();
        changed[changed.length - 3] ^= 1; // another host
        assertThat(CommandSignature.verify(CommandSignature.publicKey(orchestrator[1]), changed, sig))
                .isFalse();
        assertThat(CommandSignature.verify(CommandSignature.publicKey(orchestrator[1]), command, null))
                .isFalse();
        assertThat(CommandSignature.verify(CommandSignature.publicKey(orchestrator[1]), command, "not base64!"))
                .isFalse();
        String forged = CommandSignature.sign(CommandSignature.privateKey(other[0]), command);
        assertThat(CommandSignature.verify(CommandSignature.publicKey(orchestrator[1]), command, forged))
                .isFalse();
    }

    @Test
    void thePublicHalfIsDerivedFromThePrivateKey() {
        String[] pair = CommandSignature.newKeyPair();
        assertThat(CommandSignature.publicKeyOf(pair[0])).isEqualTo(pair[1]);
    }

    @Test
    void headersAreReadAsBytesOrText() {
        assertThat(CommandSignature.headerText("abc".getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo("abc");
        assertThat(CommandSignature.headerText("\"abc\"")).isEqualTo("abc");
        assertThat(CommandSignature.headerText(null)).isNull();
    }
}
