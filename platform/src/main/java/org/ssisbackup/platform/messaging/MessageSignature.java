package org.ssisbackup.platform.messaging;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * Ed25519 signatures on Kafka records (ADR 0006, 0007). The orchestrator signs commands and enrolments with its key;
 * every agent signs its events and heartbeats with its own key. A signature covers the record's value (which names
 * the host, the job and the time) under a {@link Purpose}, so a signature made for one kind of record never verifies
 * as another, and travels in the {@link #HEADER} header as base64.
 *
 * <p>Keys are kept and exchanged in the JDK's standard encodings (PKCS#8 private, X.509 public, base64); the
 * arithmetic is Bouncy Castle's RFC 8032 code: about 0.1 ms per signature or check where the JDK's takes about 1 ms,
 * which matters at tens of thousands of messages per fleet backup.
 */
public final class MessageSignature {
    /** The Kafka header holding the signature. */
    public static final String HEADER = "ssis_signature";

    /** What a signature is for: part of what is signed. */
    public enum Purpose {
        /** The orchestrator's commands to agents. */
        COMMAND("ssis-backup command v1\0"),
        /** An agent's events and heartbeats. */
        AGENT_MESSAGE("ssis-backup agent message v1\0"),
        /** The orchestrator's word that an agent key belongs to a host (or no longer does). */
        ENROLMENT("ssis-backup enrolment v1\0");

        private final String domain;

        Purpose(String domain) {
            this.domain = domain;
        }
    }

    private static final int X509_PREFIX = 12; // an Ed25519 SubjectPublicKeyInfo is 12 fixed bytes, then the key
    private static final SecureRandom RANDOM = new SecureRandom();

    private MessageSignature() {}

    /** A new key pair: base64 PKCS#8 private key, base64 X.509 public key. */
    public static String[] newKeyPair() {
        byte[] seed = new byte[Ed25519.SECRET_KEY_SIZE];
        RANDOM.nextBytes(seed);
        byte[] pkcs8 = pkcs8Of(seed);
        Arrays.fill(seed, (byte) 0);
        String privateBase64 = Base64.getEncoder().encodeToString(pkcs8);
        return new String[] {privateBase64, publicKeyOf(privateBase64)};
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
            PublicKey key = KeyFactory.getInstance("Ed25519")
                    .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(base64.trim())));
            if (key.getEncoded().length != X509_PREFIX + Ed25519.PUBLIC_KEY_SIZE) {
                throw new IllegalArgumentException("not an Ed25519 public key");
            }
            return key;
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("not an Ed25519 public key (base64 X.509)", e);
        }
    }

    /** The public key of a private one, as base64 X.509 (what those who check its signatures are given). */
    public static String publicKeyOf(String privateBase64) {
        byte[] publicRaw = new byte[Ed25519.PUBLIC_KEY_SIZE];
        Ed25519.generatePublicKey(seedOf(privateKey(privateBase64)), 0, publicRaw, 0);
        return base64(publicRaw);
    }

    /** The public key of a private one. */
    public static PublicKey publicKeyOf(PrivateKey key) {
        return publicKey(publicKeyOf(Base64.getEncoder().encodeToString(key.getEncoded())));
    }

    /** A short name of a public key for people and logs, as ssh prints one: {@code SHA256:} and 43 characters. */
    public static String fingerprint(PublicKey key) {
        try {
            return "SHA256:"
                    + Base64.getEncoder()
                            .withoutPadding()
                            .encodeToString(MessageDigest.getInstance("SHA-256").digest(key.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The key as base64 X.509 (as it travels in headers and enrolments). */
    public static String encode(PublicKey key) {
        return Base64.getEncoder().encodeToString(key.getEncoded());
    }

    /** Signs a command (the orchestrator). */
    public static String sign(PrivateKey key, byte[] value) {
        return sign(Purpose.COMMAND, key, value);
    }

    /** Whether {@code signature} is the key's on the command. */
    public static boolean verify(PublicKey key, byte[] value, String signature) {
        return verify(Purpose.COMMAND, key, value, signature);
    }

    public static String sign(Purpose purpose, PrivateKey key, byte[] value) {
        byte[] seed = seedOf(key);
        byte[] signature = new byte[Ed25519.SIGNATURE_SIZE];
        byte[] signed = signed(purpose, value);
        Ed25519.sign(seed, 0, signed, 0, signed.length, signature, 0);
        Arrays.fill(seed, (byte) 0);
        return Base64.getEncoder().encodeToString(signature);
    }

    /**
     * Whether {@code signature} (base64, as the header holds it; null when there is none) is the key's on the value,
     * for that purpose.
     */
    public static boolean verify(Purpose purpose, PublicKey key, byte[] value, String signature) {
        if (signature == null || signature.isBlank() || signature.length() > 200) {
            return false;
        }
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(signature.trim());
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (raw.length != Ed25519.SIGNATURE_SIZE) {
            return false;
        }
        byte[] encoded = key.getEncoded();
        byte[] signed = signed(purpose, value);
        return Ed25519.verify(raw, 0, encoded, X509_PREFIX, signed, 0, signed.length);
    }

    /** A header value as the binder hands it over (bytes, or text), as text. */
    public static String headerText(Object header) {
        if (header == null) {
            return null;
        }
        String s = header instanceof byte[] b ? new String(b, StandardCharsets.US_ASCII) : header.toString();
        return s.startsWith("\"") && s.endsWith("\"") && s.length() >= 2 ? s.substring(1, s.length() - 1) : s;
    }

    private static byte[] signed(Purpose purpose, byte[] value) {
        byte[] domain = purpose.domain.getBytes(StandardCharsets.US_ASCII);
        byte[] out = Arrays.copyOf(domain, domain.length + value.length);
        System.arraycopy(value, 0, out, domain.length, value.length);
        return out;
    }

    private static byte[] seedOf(PrivateKey key) {
        if (!(key instanceof EdECPrivateKey ed)) {
            throw new IllegalArgumentException("not an Ed25519 private key");
        }
        return ed.getBytes().orElseThrow(() -> new IllegalArgumentException("an Ed25519 key without its seed"));
    }

    private static String base64(byte[] publicRaw) {
        byte[] x509 = new byte[X509_PREFIX + publicRaw.length];
        // SEQUENCE { SEQUENCE { OID 1.3.101.112 } BIT STRING (0 unused bits) key }: RFC 8410
        byte[] prefix = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};
        System.arraycopy(prefix, 0, x509, 0, X509_PREFIX);
        System.arraycopy(publicRaw, 0, x509, X509_PREFIX, publicRaw.length);
        return Base64.getEncoder().encodeToString(x509);
    }

    private static byte[] pkcs8Of(byte[] seed) {
        // SEQUENCE { INTEGER 0, SEQUENCE { OID 1.3.101.112 }, OCTET STRING { OCTET STRING seed } }: RFC 8410
        byte[] prefix = {0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20
        };
        byte[] out = Arrays.copyOf(prefix, prefix.length + seed.length);
        System.arraycopy(seed, 0, out, prefix.length, seed.length);
        return out;
    }
}
