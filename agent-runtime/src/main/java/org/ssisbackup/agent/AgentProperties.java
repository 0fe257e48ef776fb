package org.ssisbackup.agent;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.ssisbackup.contracts.ObjectKeys;
import org.ssisbackup.storage.repository.KeyMaterial;
import org.ssisbackup.storage.repository.WrappingKey;

/**
 * What every agent is configured with, under {@code ssisbackup.agent}.
 *
 * @param hostId            this host's id in the fleet (letters, digits, '.', '_', '-')
 * @param heartbeatInterval how often the agent tells the orchestrator it is alive (default 30 s)
 * @param s3                where packs, indexes and manifests go
 * @param repository        the keys the agent writes and reads with
 * @param stateDir          where the agent keeps its job journal (each agent in a folder of its kind below it);
 *                          default {@code %ProgramData%\ssis-backup} on Windows, {@code ~/.ssis-backup} elsewhere
 * @param orchestratorPublicKey the orchestrator's command signing public key (Ed25519, base64 X.509): the agent acts
 *                          only on commands it signed
 * @param commandMaxAge     a signed command older than this is refused (default 7 days: longer than an agent host is
 *                          normally down, shorter than Kafka keeps commands)
 * @param signingKeyFile    the agent's own Ed25519 key (base64 PKCS#8), when the operator provisions it; empty: the
 *                          agent makes one in its state folder at its first start (ADR 0007)
 */
@ConfigurationProperties("ssisbackup.agent")
public record AgentProperties(
        String hostId,
        Duration heartbeatInterval,
        S3 s3,
        Repository repository,
        Path stateDir,
        String orchestratorPublicKey,
        Duration commandMaxAge,
        Path signingKeyFile) {

    public AgentProperties {
        ObjectKeys.requireValidHostId(hostId);
        heartbeatInterval = heartbeatInterval == null ? Duration.ofSeconds(30) : heartbeatInterval;
        s3 = s3 == null ? new S3(null, null, null, null) : s3;
        repository = repository == null ? new Repository(null, null, null, null, null, null, null, null) : repository;
        commandMaxAge = commandMaxAge == null ? Duration.ofDays(7) : commandMaxAge;
        if (stateDir == null || stateDir.toString().isBlank()) {
            String programData = System.getenv("ProgramData");
            stateDir = programData != null && !programData.isBlank()
                    ? Path.of(programData, "ssis-backup")
                    : Path.of(System.getProperty("user.home"), ".ssis-backup");
        }
    }

    /** The key commands must be signed with; a missing or malformed one stops the agent at start with what to set. */
    public java.security.PublicKey commandKey() {
        if (orchestratorPublicKey == null || orchestratorPublicKey.isBlank()) {
            throw new IllegalStateException("ORCHESTRATOR_PUBLIC_KEY is not set: the agent acts only on commands the"
                    + " orchestrator signed; give it the public key 'ssis-backup keys new-signing' printed (or"
                    + " 'ssis-backup keys public-key --signing-key-file orchestrator-signing.key')");
        }
        try {
            return org.ssisbackup.platform.messaging.MessageSignature.publicKey(orchestratorPublicKey);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("ORCHESTRATOR_PUBLIC_KEY is not an Ed25519 public key (base64 X.509)");
        }
    }

    /** The folder of one agent's state: its host and kind below {@link #stateDir()}. */
    public Path stateDirOf(String agentLabel) {
        return stateDir.resolve(hostId).resolve(agentLabel);
    }

    public record S3(String endpoint, String accessKey, String secretKey, String bucket) {
        @Override
        public String toString() { // never print the keys
            return "S3[endpoint=" + endpoint + ", bucket=" + bucket + "]";
        }
    }

    /**
     * The repository's keys on this host.
     *
     * @param keyFile           a file holding the scope's key-encryption key (one line of base64, 32 bytes)
     * @param key               the same key given directly (from an environment variable)
     * @param passphrase        or a passphrase (through Argon2id)
     * @param scope             the key scope: hosts of one scope share keys and deduplicate together (default: the
     *                          host id, so a compromised host reads no other host's data)
     * @param catalogPublicKey  the catalog's escrow public key: a new scope's keys are wrapped to it (base64)
     * @param recoveryPublicKey the offline recovery key's public key: a new scope's keys are wrapped to it too
     * @param packTrust         how long a pack seen in the bucket is trusted to still be there (default 6 h; keep it
     *                          shorter than the catalog's grace period)
     * @param selfTestRounds    rounds of the repository's self-test at start (32 MiB each, at most 10 s; default 6;
     *                          0 turns it off): a round trip that stops the agent if the JVM's cryptography is broken,
     *                          and that compiles the storage path before the first backup needs it
     */
    public record Repository(
            Path keyFile,
            String key,
            String passphrase,
            String scope,
            String catalogPublicKey,
            String recoveryPublicKey,
            Duration packTrust,
            Integer selfTestRounds) {

        public Repository {
            packTrust = packTrust == null ? Duration.ofHours(6) : packTrust;
            selfTestRounds = selfTestRounds == null ? 6 : selfTestRounds;
        }

        /** The key that opens this host's scope; the agent refuses to start without one. */
        public WrappingKey wrappingKey() {
            if (keyFile != null && !keyFile.toString().isBlank()) {
                return KeyMaterial.secret(KeyMaterial.read(keyFile));
            }
            if (key != null && !key.isBlank()) {
                return KeyMaterial.secret(key);
            }
            if (passphrase != null && !passphrase.isBlank()) {
                return new WrappingKey.Phrase(passphrase.toCharArray());
            }
            throw new IllegalStateException(
                    "no repository key: set ssisbackup.agent.repository.key-file (REPOSITORY_KEY_FILE),"
                            + " key (REPOSITORY_KEY) or passphrase (REPOSITORY_PASSPHRASE); nothing is ever written in plaintext");
        }

        /** Who a new scope's keys are wrapped for besides this host: the catalog, and the recovery key. */
        public List<WrappingKey> recipients() {
            List<WrappingKey> out = new ArrayList<>();
            if (catalogPublicKey != null && !catalogPublicKey.isBlank()) {
                out.add(KeyMaterial.recipient(catalogPublicKey));
            }
            if (recoveryPublicKey != null && !recoveryPublicKey.isBlank()) {
                out.add(KeyMaterial.recipient(recoveryPublicKey));
            }
            return out;
        }

        public String scopeOf(String hostId) {
            return scope == null || scope.isBlank() ? hostId : ObjectKeys.requireValidHostId(scope);
        }

        @Override
        public String toString() { // never a key
            return "Repository[scope=" + scope + ", keyFile=" + keyFile + "]";
        }
    }
}
