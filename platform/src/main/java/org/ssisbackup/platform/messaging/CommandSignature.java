package org.ssisbackup.platform.messaging;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * The orchestrator's Ed25519 signature on a command: the orchestrator holds the private key, every agent its public
 * key (ADR 0006). The signature covers the record's value, which names the target host, the job and the time, and
 * travels in the {@link #HEADER} header as base64. Anyone can write to a Kafka topic they can reach; only the
 * orchestrator can make an agent act.
 */
public final class CommandSignature {
    /** The Kafka header holding the signature. */
    public static final String HEADER = "ssis_signature";

    private static final byte[] DOMAIN = "ssis-backup command v1\0".getBytes(StandardCharsets.US_ASCII);

    private CommandSignature() {}

    /** A new signing key pair: base64 PKCS#8 private key, base64 X.509 public key. */
    public static String[] newKeyPair() {
        try {
            KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            return new String[] {
                Base64.getEncoder().encodeToString(pair.getPrivate().getEncoded()),
                Base64.getEncoder().encodeToString(pair.getPublic().getEncoded())
            };
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 is not available: " + e, e);
        }
    }

    public static PrivateKey privateKey(String base64) {
        try {
            return KeyFactory.getInstance("Ed25519")
                    .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64.trim())));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("not an Ed25519 private key (base64 PKCS#8)", e);
        }
    }

    public static PublicKey publicKey(String base64) {
        try {
            return KeyFactory.getInstance("Ed25519")
                    .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(base64.trim())));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("not an Ed25519 public key (base64 X.509)", e);
        }
    }

    /** The public key of a private one, as base64 X.509 (what agents are given). */
    public static String publicKeyOf(String privateBase64) {
        try {
            // The JDK's key factory does not derive an Ed25519 public key from a private one; its key pair generator
            // does, from the 32-byte seed it draws: given the private key's seed, it makes that key's public half.
            java.security.interfaces.EdECPrivateKey key =
                    (java.security.interfaces.EdECPrivateKey) privateKey(privateBase64);
            byte[] seed = key.getBytes().orElseThrow();
            return Base64.getEncoder().encodeToString(derivePublic(seed).getEncoded());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 is not available: " + e, e);
        }
    }

    private static PublicKey derivePublic(byte[] seed) throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("Ed25519");
        g.initialize(java.security.spec.NamedParameterSpec.ED25519, new FixedRandom(seed));
        return g.generateKeyPair().getPublic();
    }

    /** Hands out the given seed as the "random" bytes of a key pair generator: the same private key, its public key. */
    private static final class FixedRandom extends java.security.SecureRandom {
        private static final long serialVersionUID = 1L;
        private final byte[] seed;

        FixedRandom(byte[] seed) {
            this.seed = seed.clone();
        }

        @Override
        public void nextBytes(byte[] bytes) {
            System.arraycopy(seed, 0, bytes, 0, Math.min(seed.length, bytes.length));
        }
    }

    public static String sign(PrivateKey key, byte[] value) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(key);
            s.update(DOMAIN);
            s.update(value);
            return Base64.getEncoder().encodeToString(s.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign a command: " + e, e);
        }
    }

    /** Whether {@code signature} (base64, as the header holds it; null when there is none) is the key's on the value. */
    public static boolean verify(PublicKey key, byte[] value, String signature) {
        if (signature == null || signature.isBlank() || signature.length() > 200) {
            return false;
        }
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initVerify(key);
            s.update(DOMAIN);
            s.update(value);
            return s.verify(Base64.getDecoder().decode(signature.trim()));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    /** A header value as the binder hands it over (bytes, or text), as text. */
    public static String headerText(Object header) {
        if (header == null) {
            return null;
        }
        String s = header instanceof byte[] b ? new String(b, StandardCharsets.US_ASCII) : header.toString();
        return s.startsWith("\"") && s.endsWith("\"") && s.length() >= 2 ? s.substring(1, s.length() - 1) : s;
    }
}
