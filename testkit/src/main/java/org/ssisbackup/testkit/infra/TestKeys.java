package org.ssisbackup.testkit.infra;

/**
 * Repository keys for tests only (never for a real repository: they are public in this source). The local stack makes
 * its own at its first start.
 */
public final class TestKeys {
    /** A scope's key-encryption key (32 bytes, base64). */
    public static final String KEK = "oEUcvyKVXgX24c22V7fn0ZjnrjogxavyX3cjeVf0mmQ=";
    /** The catalog's escrow key pair (X25519, base64 PKCS#8 and X.509). */
    public static final String CATALOG_PRIVATE = "MC4CAQAwBQYDK2VuBCIEIN3sd3Hi5Q9dHAiETyN/kFg/FHTahXA9UaftoGfJfju5";

    public static final String CATALOG_PUBLIC = "MCowBQYDK2VuAyEA+BU3JfimKZ4ODnRqmfcOsls633AvRj2cns598bC1gjw=";
    /** The recovery key pair. */
    public static final String RECOVERY_PRIVATE = "MC4CAQAwBQYDK2VuBCIEIFGKykVt8uOij779F4xQdvuYldwfbpVZiXi5SJwdJQWG";

    public static final String RECOVERY_PUBLIC = "MCowBQYDK2VuAyEAVoaadUj84QLi/gc4fDne7fFZwffzMPNt4KYJ+/UVzTg=";

    /** The orchestrator's command signing key pair (Ed25519, base64 PKCS#8 and X.509). */
    public static final String ORCHESTRATOR_SIGNING_PRIVATE =
            "MC4CAQAwBQYDK2VwBCIEIHuc4NBo9KAY7i0EfwoeRsAXIGD4tExKU5CL0JAtXgS0";

    public static final String ORCHESTRATOR_SIGNING_PUBLIC =
            "MCowBQYDK2VwAyEAUWvWAYpD53HhW6hSHCVsO/pKB637cuMkngF4Tiyg1e4=";

    /** The headers the orchestrator would put on this command: its signature (tests that send commands by hand). */
    public static java.util.Map<String, String> signedByOrchestrator(byte[] command) {
        return java.util.Map.of(
                org.ssisbackup.platform.messaging.MessageSignature.HEADER,
                org.ssisbackup.platform.messaging.MessageSignature.sign(
                        org.ssisbackup.platform.messaging.MessageSignature.privateKey(ORCHESTRATOR_SIGNING_PRIVATE),
                        command));
    }

    /** An agent's signing key pair (Ed25519): what tests that send agent events by hand sign with. */
    public static final String AGENT_SIGNING_PRIVATE =
            "MC4CAQAwBQYDK2VwBCIEIF90xFKaPXVG/7yGcwEn7Cn/jHpJEESPDkgJdPJYU5XT";

    public static final String AGENT_SIGNING_PUBLIC = "MCowBQYDK2VwAyEAuvC8wtxPXPtEhMq9w7vzT2a/8kD17CxfQ90JZXD9UQI=";

    /** Another agent's (another host's, in tests of forged messages). */
    public static final String OTHER_AGENT_SIGNING_PRIVATE =
            "MC4CAQAwBQYDK2VwBCIEIDvWL3uVApeNIbPy+qGuLq2T8DY6EMJRdydC2KzSPh0+";

    public static final String OTHER_AGENT_SIGNING_PUBLIC =
            "MCowBQYDK2VwAyEAkk3my3TkRpJlzPG5rQS2JJuZi3LSzexvLy5quBV1ODc=";

    /** The headers an agent with this key (base64 PKCS#8) puts on an event or heartbeat: signature and public key. */
    public static java.util.Map<String, String> signedByAgent(String agentPrivateKey, byte[] value) {
        return java.util.Map.of(
                org.ssisbackup.platform.messaging.MessageSignature.HEADER,
                org.ssisbackup.platform.messaging.MessageSignature.sign(
                        org.ssisbackup.platform.messaging.MessageSignature.Purpose.AGENT_MESSAGE,
                        org.ssisbackup.platform.messaging.MessageSignature.privateKey(agentPrivateKey),
                        value),
                org.ssisbackup.contracts.Topics.AGENT_KEY_HEADER,
                org.ssisbackup.platform.messaging.MessageSignature.publicKeyOf(agentPrivateKey));
    }

    /**
     * A test key of the host's own agents (base64 PKCS#8), the same at every call: made from the SHA-256 of the host
     * id. One key per host, as the orchestrator enrols them.
     */
    public static String agentKeyOf(String hostId) {
        try {
            byte[] seed = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(("test agent of " + hostId).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            byte[] prefix = {
                0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20
            };
            byte[] pkcs8 = java.util.Arrays.copyOf(prefix, prefix.length + seed.length);
            System.arraycopy(seed, 0, pkcs8, prefix.length, seed.length);
            return java.util.Base64.getEncoder().encodeToString(pkcs8);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The headers the host's own (test) agent puts on this value. */
    public static java.util.Map<String, String> signedByAgentOf(String hostId, byte[] value) {
        return signedByAgent(agentKeyOf(hostId), value);
    }

    /** The test agent's headers on this value. */
    public static java.util.Map<String, String> signedByAgent(byte[] value) {
        return signedByAgent(AGENT_SIGNING_PRIVATE, value);
    }

    /** An enrolment of this agent key (base64 X.509) as the test orchestrator would publish it: value and headers. */
    public static java.util.Map.Entry<byte[], java.util.Map<String, String>> enrolment(
            String hostId,
            org.ssisbackup.contracts.AgentKind agent,
            org.ssisbackup.contracts.AgentEnrolment.State state,
            String publicKey) {
        byte[] value = org.ssisbackup.contracts.MessageCodec.encode(new org.ssisbackup.contracts.AgentEnrolment(
                org.ssisbackup.contracts.MessageMeta.create(java.util.UUID.randomUUID(), hostId),
                agent,
                state,
                publicKey,
                org.ssisbackup.platform.messaging.MessageSignature.fingerprint(
                        org.ssisbackup.platform.messaging.MessageSignature.publicKey(publicKey))));
        return java.util.Map.entry(
                value,
                java.util.Map.of(
                        org.ssisbackup.platform.messaging.MessageSignature.HEADER,
                        org.ssisbackup.platform.messaging.MessageSignature.sign(
                                org.ssisbackup.platform.messaging.MessageSignature.Purpose.ENROLMENT,
                                org.ssisbackup.platform.messaging.MessageSignature.privateKey(
                                        ORCHESTRATOR_SIGNING_PRIVATE),
                                value)));
    }

    private TestKeys() {}
}
