package org.ssisbackup.storage.repository;

import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.HexFormat;
import org.ssisbackup.storage.crypto.Escrow;

/**
 * A key that wraps a scope's master key (a key-encryption key): a 256-bit secret the operator keeps in a file or an
 * environment variable, a passphrase (through Argon2id), or a public key (X25519) to which keys are wrapped for whoever
 * holds its private half (the catalog, the offline recovery key).
 */
public sealed interface WrappingKey {

    /** The name of the keyring copy this key wraps, under {@code keys/<scope>/}. */
    String objectName();

    /** A 256-bit secret. */
    final class Secret implements WrappingKey {
        private final byte[] key;

        public Secret(byte[] key) {
            if (key == null || key.length != 32) {
                throw new IllegalArgumentException("a key-encryption key is 32 bytes (44 characters of base64)");
            }
            this.key = key.clone();
        }

        public byte[] key() {
            return key.clone();
        }

        @Override
        public String objectName() {
            return "kek-" + fingerprint();
        }

        /** The first 8 bytes of the key's SHA-256, in hex: names it without revealing it. */
        public String fingerprint() {
            return HexFormat.of().formatHex(sha256(key), 0, 8);
        }

        @Override
        public String toString() {
            return "Secret[" + fingerprint() + "]";
        }
    }

    /** A passphrase; its copies are found by trying each passphrase-wrapped copy of the scope. */
    final class Phrase implements WrappingKey {
        private final char[] passphrase;

        public Phrase(char[] passphrase) {
            if (passphrase == null || passphrase.length < 12) {
                throw new IllegalArgumentException("a repository passphrase has at least 12 characters");
            }
            this.passphrase = passphrase.clone();
        }

        public char[] passphrase() {
            return passphrase.clone();
        }

        /** A fresh random name each time: a name derived from the passphrase would be a hash to guess against. */
        @Override
        public String objectName() {
            byte[] r = new byte[8];
            new java.security.SecureRandom().nextBytes(r);
            return "pass-" + HexFormat.of().formatHex(r);
        }

        @Override
        public String toString() {
            return "Phrase[...]";
        }
    }

    /** A public key to wrap to (an agent wraps its scope's keys for the catalog and for recovery). */
    record Recipient(PublicKey key) implements WrappingKey {
        @Override
        public String objectName() {
            return "escrow-" + Escrow.fingerprintText(key);
        }
    }

    /** The private half of a recipient: opens the copies wrapped to it. */
    record Holder(PrivateKey privateKey, PublicKey publicKey) implements WrappingKey {
        @Override
        public String objectName() {
            return "escrow-" + Escrow.fingerprintText(publicKey);
        }

        @Override
        public String toString() {
            return "Holder[" + Escrow.fingerprintText(publicKey) + "]";
        }
    }

    private static byte[] sha256(byte[] b) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(b);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
