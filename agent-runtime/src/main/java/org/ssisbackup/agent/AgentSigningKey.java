package org.ssisbackup.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.messaging.Message;
import org.springframework.messaging.support.MessageBuilder;
import org.ssisbackup.contracts.Topics;
import org.ssisbackup.platform.files.OwnerOnlyFiles;
import org.ssisbackup.platform.messaging.MessageSignature;

/**
 * This agent's own Ed25519 key: every event and heartbeat it sends carries its signature and its public key, and the
 * orchestrator trusts them once the key is enrolled for this host (ADR 0007). Made at the agent's first start in its
 * state folder and kept there (readable by the agent's account only), or read from a file the operator gives.
 */
public final class AgentSigningKey {
    private static final Logger log = LoggerFactory.getLogger(AgentSigningKey.class);
    static final String FILE_NAME = "agent-signing.key";

    private final PrivateKey privateKey;
    private final String publicKey;
    private final String fingerprint;

    private AgentSigningKey(PrivateKey privateKey) {
        this.privateKey = privateKey;
        PublicKey pub = MessageSignature.publicKeyOf(privateKey);
        this.publicKey = MessageSignature.encode(pub);
        this.fingerprint = MessageSignature.fingerprint(pub);
    }

    /**
     * The key in {@code given} when the operator names a file (it must exist), else the one in {@code stateDir},
     * made there at the first start.
     */
    public static AgentSigningKey load(Path given, Path stateDir) {
        Path file = given != null && !given.toString().isBlank() ? given : stateDir.resolve(FILE_NAME);
        try {
            if (!Files.exists(file)) {
                if (file.equals(given)) {
                    throw new IllegalStateException("the agent signing key file " + given
                            + " (AGENT_SIGNING_KEY_FILE) does not exist; leave the setting empty to have the agent"
                            + " make its key in its state folder");
                }
                create(file);
            }
            return new AgentSigningKey(MessageSignature.privateKey(Files.readString(file, StandardCharsets.US_ASCII)));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read or make the agent signing key " + file + ": " + e, e);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(
                    "the agent signing key " + file + " is not an Ed25519 private key (base64 PKCS#8)", e);
        }
    }

    /** A key held in memory only (tests, simulated agents). */
    public static AgentSigningKey of(String privateBase64) {
        return new AgentSigningKey(MessageSignature.privateKey(privateBase64));
    }

    private static void create(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        // Owner-only before the key is written into it: never readable by others, not even for a moment.
        Path temp = OwnerOnlyFiles.create(file.resolveSibling(FILE_NAME + "." + UUID.randomUUID() + ".tmp"));
        Files.writeString(temp, MessageSignature.newKeyPair()[0], StandardCharsets.US_ASCII);
        if (!OwnerOnlyFiles.supported(temp)) {
            log.warn("cannot restrict {} to the agent's account on this file system; protect its folder", file);
        }
        try {
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file);
            }
        } catch (FileAlreadyExistsException e) {
            Files.deleteIfExists(temp); // another start made it first: use that one
        }
        log.info("made this agent's signing key in {}; the orchestrator enrols it (see GET /api/v1/agents)", file);
    }

    /** The message with this key's signature and public key in its headers. */
    public Message<byte[]> sign(Message<byte[]> message) {
        return MessageBuilder.fromMessage(message)
                .setHeader(
                        MessageSignature.HEADER,
                        MessageSignature.sign(MessageSignature.Purpose.AGENT_MESSAGE, privateKey, message.getPayload()))
                .setHeader(Topics.AGENT_KEY_HEADER, publicKey)
                .build();
    }

    /** The public key, base64 X.509. */
    public String publicKey() {
        return publicKey;
    }

    public String fingerprint() {
        return fingerprint;
    }

    @Override
    public String toString() {
        return "AgentSigningKey[" + fingerprint + "]"; // never the private key
    }
}
