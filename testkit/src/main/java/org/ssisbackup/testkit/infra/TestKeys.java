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
                org.ssisbackup.platform.messaging.CommandSignature.HEADER,
                org.ssisbackup.platform.messaging.CommandSignature.sign(
                        org.ssisbackup.platform.messaging.CommandSignature.privateKey(ORCHESTRATOR_SIGNING_PRIVATE),
                        command));
    }

    private TestKeys() {}
}
