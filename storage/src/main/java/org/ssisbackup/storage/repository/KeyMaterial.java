package org.ssisbackup.storage.repository;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.Base64;
import org.ssisbackup.storage.crypto.Escrow;

/**
 * Keys as operators keep them: one line of base64 each, in a file (readable by the service's account only) or in an
 * environment variable. A secret key-encryption key is 32 random bytes; an escrow key pair is an X25519 private key
 * (PKCS#8) and its public key (X.509). Nothing here ever prints a key.
 */
public final class KeyMaterial {

    /** 32 fresh random bytes, as base64: a new key-encryption key. */
    public static String newSecret() {
        return Base64.getEncoder().encodeToString(ScopeKeyring.random(32));
    }

    /** A fresh escrow key pair: the private key (to keep where only its holder reads it) and the public key (to share). */
    public record EscrowPair(String privateKey, String publicKey) {
        @Override
        public String toString() {
            return "EscrowPair[public " + publicKey + "]";
        }
    }

    public static EscrowPair newEscrowPair() {
        KeyPair p = Escrow.newKeyPair();
        return new EscrowPair(
                Base64.getEncoder().encodeToString(p.getPrivate().getEncoded()),
                Base64.getEncoder().encodeToString(p.getPublic().getEncoded()));
    }

    public static WrappingKey.Secret secret(String base64) {
        try {
            return new WrappingKey.Secret(Base64.getDecoder().decode(base64.trim()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the repository key is not 32 bytes of base64: " + e.getMessage());
        }
    }

    public static WrappingKey.Recipient recipient(String base64) {
        try {
            return new WrappingKey.Recipient(
                    Escrow.publicKey(Base64.getDecoder().decode(base64.trim())));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not an escrow public key (base64 X.509 X25519): " + e.getMessage());
        }
    }

    /** The holder of an escrow private key (its public half derived from it). */
    public static WrappingKey.Holder holder(String privateBase64) {
        java.security.PrivateKey key;
        try {
            key = Escrow.privateKey(Base64.getDecoder().decode(privateBase64.trim()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not an escrow private key (base64 PKCS#8 X25519): " + e.getMessage());
        }
        return new WrappingKey.Holder(key, Escrow.publicKeyOf(key));
    }

    public static WrappingKey.Holder holder(String privateBase64, String publicBase64) {
        PublicKey pub = Escrow.publicKey(Base64.getDecoder().decode(publicBase64.trim()));
        return new WrappingKey.Holder(Escrow.privateKey(Base64.getDecoder().decode(privateBase64.trim())), pub);
    }

    /** The one line of a key file. */
    public static String read(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
            if (text.isEmpty() || text.contains("\n")) {
                throw new IllegalArgumentException("key file " + file + " must hold one line of base64");
            }
            return text;
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read key file " + file + ": " + e.getMessage(), e);
        }
    }

    private KeyMaterial() {}
}
