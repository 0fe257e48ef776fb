package org.ssisbackup.storage.crypto;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.UUID;
import javax.crypto.KeyAgreement;

/**
 * Wrapping to a public key (X25519, then HKDF-SHA256, then AES-256-GCM): an agent that creates its scope's keys wraps
 * them for the catalog and for the recovery key without holding either one's private key. The wrapped form is the
 * ephemeral public key (X.509, 44 bytes) followed by an {@link Envelope} whose key id is the recipient's fingerprint.
 */
public final class Escrow {
    static final int EPHEMERAL = 44;

    public static KeyPair newKeyPair() {
        try {
            return KeyPairGenerator.getInstance("X25519").generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static PublicKey publicKey(byte[] x509) {
        try {
            return KeyFactory.getInstance("X25519").generatePublic(new X509EncodedKeySpec(x509));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not an X25519 public key: " + e.getMessage(), e);
        }
    }

    public static PrivateKey privateKey(byte[] pkcs8) {
        try {
            return KeyFactory.getInstance("X25519").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not an X25519 private key: " + e.getMessage(), e);
        }
    }

    /**
     * The public half of a private key: X25519 of the key with the curve's base point (u = 9) is its public key, so
     * an operator keeps one secret, not a pair that could be mismatched.
     */
    public static PublicKey publicKeyOf(PrivateKey privateKey) {
        try {
            KeyFactory factory = KeyFactory.getInstance("X25519");
            PublicKey base = factory.generatePublic(new java.security.spec.XECPublicKeySpec(
                    java.security.spec.NamedParameterSpec.X25519, java.math.BigInteger.valueOf(9)));
            KeyAgreement agreement = KeyAgreement.getInstance("X25519");
            agreement.init(privateKey);
            agreement.doPhase(base, true);
            byte[] littleEndian = agreement.generateSecret();
            byte[] bigEndian = new byte[littleEndian.length];
            for (int i = 0; i < littleEndian.length; i++) {
                bigEndian[i] = littleEndian[littleEndian.length - 1 - i];
            }
            return factory.generatePublic(new java.security.spec.XECPublicKeySpec(
                    java.security.spec.NamedParameterSpec.X25519, new java.math.BigInteger(1, bigEndian)));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not an X25519 private key: " + e.getMessage(), e);
        }
    }

    /** A public key's short name: the first 16 bytes of its SHA-256, as a UUID (what envelopes carry as key id). */
    public static UUID fingerprint(PublicKey key) {
        return Fingerprints.of(key.getEncoded());
    }

    public static String fingerprintText(PublicKey key) {
        return HexFormat.of().formatHex(Fingerprints.bytes(key.getEncoded()), 0, 8);
    }

    public static byte[] wrap(PublicKey recipient, String context, byte[] plaintext) {
        KeyPair ephemeral = newKeyPair();
        byte[] key =
                agree(ephemeral.getPrivate(), recipient, ephemeral.getPublic().getEncoded());
        byte[] sealed = Envelope.seal(ObjectKind.KEYRING_ESCROW, fingerprint(recipient), key, context, plaintext);
        byte[] epk = ephemeral.getPublic().getEncoded();
        byte[] out = new byte[epk.length + sealed.length];
        System.arraycopy(epk, 0, out, 0, epk.length);
        System.arraycopy(sealed, 0, out, epk.length, sealed.length);
        return out;
    }

    public static byte[] unwrap(PrivateKey own, PublicKey ownPublic, String context, byte[] wrapped) {
        if (wrapped.length < EPHEMERAL + Envelope.OVERHEAD) {
            throw new TamperedObjectException(context + ": too short to be wrapped keys");
        }
        byte[] epk = Arrays.copyOfRange(wrapped, 0, EPHEMERAL);
        PublicKey ephemeral;
        try {
            ephemeral = publicKey(epk);
        } catch (IllegalArgumentException e) {
            throw new TamperedObjectException(context + ": " + e.getMessage(), e);
        }
        byte[] key = agree(own, ephemeral, epk);
        UUID mine = fingerprint(ownPublic);
        return Envelope.open(
                wrapped,
                EPHEMERAL,
                wrapped.length - EPHEMERAL,
                ObjectKind.KEYRING_ESCROW,
                context,
                id -> id.equals(mine) ? key : null);
    }

    private static byte[] agree(PrivateKey own, PublicKey other, byte[] ephemeralPublic) {
        try {
            KeyAgreement ka = KeyAgreement.getInstance("X25519");
            ka.init(own);
            ka.doPhase(other, true);
            return Hkdf.derive(ka.generateSecret(), ephemeralPublic, "ssis-backup escrow v1", 32);
        } catch (GeneralSecurityException e) {
            throw new TamperedObjectException("key agreement failed: " + e.getMessage(), e);
        }
    }

    /** Fingerprints of keys: never the keys themselves. */
    static final class Fingerprints {
        static byte[] bytes(byte[] key) {
            try {
                return MessageDigest.getInstance("SHA-256").digest(key);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        static UUID of(byte[] key) {
            byte[] d = bytes(key);
            long hi = 0;
            long lo = 0;
            for (int i = 0; i < 8; i++) {
                hi = (hi << 8) | (d[i] & 0xFF);
                lo = (lo << 8) | (d[8 + i] & 0xFF);
            }
            return new UUID(hi, lo);
        }

        private Fingerprints() {}
    }

    private Escrow() {}
}
