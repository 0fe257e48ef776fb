package org.ssisbackup.platform.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MessageSignatureTest {

    @Test
    void onlyTheOrchestratorsKeyOnTheUnchangedCommandVerifies() {
        String[] orchestrator = MessageSignature.newKeyPair();
        String[] other = MessageSignature.newKeyPair();
        byte[] command =
                "{\"type\":\"RestoreCommand\",\"meta\":{\"hostId\":\"sql01\"}}".getBytes(StandardCharsets.UTF_8);
        String sig = MessageSignature.sign(MessageSignature.privateKey(orchestrator[0]), command);

        assertThat(MessageSignature.verify(MessageSignature.publicKey(orchestrator[1]), command, sig))
                .isTrue();
        assertThat(MessageSignature.verify(MessageSignature.publicKey(other[1]), command, sig))
                .isFalse();
        byte[] changed = command.clone();
        changed[changed.length - 3] ^= 1; // another host
        assertThat(MessageSignature.verify(MessageSignature.publicKey(orchestrator[1]), changed, sig))
                .isFalse();
        assertThat(MessageSignature.verify(MessageSignature.publicKey(orchestrator[1]), command, null))
                .isFalse();
        assertThat(MessageSignature.verify(MessageSignature.publicKey(orchestrator[1]), command, "not base64!"))
                .isFalse();
        String forged = MessageSignature.sign(MessageSignature.privateKey(other[0]), command);
        assertThat(MessageSignature.verify(MessageSignature.publicKey(orchestrator[1]), command, forged))
                .isFalse();
    }

    @Test
    void thePublicHalfIsDerivedFromThePrivateKey() {
        String[] pair = MessageSignature.newKeyPair();
        assertThat(MessageSignature.publicKeyOf(pair[0])).isEqualTo(pair[1]);
    }

    @Test
    void headersAreReadAsBytesOrText() {
        assertThat(MessageSignature.headerText("abc".getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo("abc");
        assertThat(MessageSignature.headerText("\"abc\"")).isEqualTo("abc");
        assertThat(MessageSignature.headerText(null)).isNull();
    }

    @Test
    void aSignatureForOnePurposeVerifiesForNoOther() {
        String[] pair = MessageSignature.newKeyPair();
        byte[] value = "{\"hostId\":\"sql01\"}".getBytes(StandardCharsets.UTF_8);
        String asEvent = MessageSignature.sign(
                MessageSignature.Purpose.AGENT_MESSAGE, MessageSignature.privateKey(pair[0]), value);
        java.security.PublicKey key = MessageSignature.publicKey(pair[1]);
        assertThat(MessageSignature.verify(MessageSignature.Purpose.AGENT_MESSAGE, key, value, asEvent))
                .isTrue();
        assertThat(MessageSignature.verify(MessageSignature.Purpose.COMMAND, key, value, asEvent))
                .isFalse();
        assertThat(MessageSignature.verify(MessageSignature.Purpose.ENROLMENT, key, value, asEvent))
                .isFalse();
    }

    @Test
    void signaturesAreTheJdksEd25519() throws Exception {
        // Keys made by the JDK sign and verify here, and the JDK verifies what is signed here (domain included).
        java.security.KeyPair jdk =
                java.security.KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        byte[] value = "payload".getBytes(StandardCharsets.UTF_8);
        String sig = MessageSignature.sign(jdk.getPrivate(), value);
        java.security.Signature v = java.security.Signature.getInstance("Ed25519");
        v.initVerify(jdk.getPublic());
        v.update("ssis-backup command v1\0".getBytes(StandardCharsets.US_ASCII));
        v.update(value);
        assertThat(v.verify(java.util.Base64.getDecoder().decode(sig))).isTrue();
        assertThat(MessageSignature.verify(jdk.getPublic(), value, sig)).isTrue();
        assertThat(MessageSignature.encode(MessageSignature.publicKeyOf(jdk.getPrivate())))
                .isEqualTo(MessageSignature.encode(jdk.getPublic()));
    }

    @Test
    void fingerprintsAreShortAndStable() {
        String[] pair = MessageSignature.newKeyPair();
        String f = MessageSignature.fingerprint(MessageSignature.publicKey(pair[1]));
        assertThat(f).startsWith("SHA256:").hasSize(50);
        assertThat(MessageSignature.fingerprint(MessageSignature.publicKey(pair[1])))
                .isEqualTo(f);
    }

    @Test
    void malformedKeysAreRefusedWithWhatWasExpected() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> MessageSignature.publicKey("AAAA"))
                .hasMessageContaining("Ed25519 public key");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> MessageSignature.privateKey("not base64"))
                .hasMessageContaining("Ed25519 private key");
    }
}
