package org.ssisbackup.storage.repository;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.ssisbackup.contracts.AgentKind;
import org.ssisbackup.contracts.Artifact;
import org.ssisbackup.contracts.Manifest;
import org.ssisbackup.contracts.MessageCodec;
import org.ssisbackup.contracts.ObjectKeys;
import org.ssisbackup.storage.CorruptBlobException;
import org.ssisbackup.storage.ObjectStore;
import org.ssisbackup.storage.StoreException;

/**
 * Reads restore points of any scope that one key opens (the catalog's escrow key opens them all) and of either
 * format: manifests and items' bytes, each checked (authenticated, and against the item's SHA-256) before it is
 * returned. Scopes are opened once and kept.
 */
public final class RepositoryReader {
    private final ObjectStore store;
    private final WrappingKey key;
    private final Map<String, Repository> scopes = new ConcurrentHashMap<>();

    public RepositoryReader(ObjectStore store, WrappingKey key) {
        this.store = store;
        this.key = key;
    }

    /** A scope, opened with the reader's key (a {@link org.ssisbackup.storage.crypto.MissingKeyException} otherwise). */
    public Repository scope(String scope) {
        return scopes.computeIfAbsent(scope, s -> Repository.of(store, ScopeKeyring.open(store, s, key)));
    }

    /** Forgets opened scopes (their keys may have been rotated). */
    public void reload() {
        scopes.clear();
    }

    /** An agent's manifest of a point: format 2 when there is one, else format 1. */
    public Manifest manifest(String hostId, UUID restorePointId, AgentKind agent) {
        String encrypted = ObjectKeys.encryptedManifest(hostId, restorePointId, agent);
        if (store.stat(encrypted).isPresent()) {
            return manifest(encrypted);
        }
        return manifest(ObjectKeys.manifest(hostId, restorePointId, agent));
    }

    /** A manifest by its key (either format); a format 2 manifest's scope is the one its host's agents wrote in. */
    public Manifest manifest(String key) {
        if (key.endsWith(".m2")) {
            StoreException last = null;
            // The scope is inside the manifest: try the scopes this key opens, the host's own first.
            String host = key.split("/", -1)[1];
            for (String scope : orderedScopes(host)) {
                try {
                    return scope(scope).readManifest(key);
                } catch (org.ssisbackup.storage.crypto.MissingKeyException e) {
                    last = e;
                }
            }
            throw last != null
                    ? last
                    : new org.ssisbackup.storage.crypto.MissingKeyException(key + ": no scope opens it");
        }
        try (InputStream in = store.get(key)) {
            return MessageCodec.decodeManifest(in.readAllBytes());
        } catch (IOException e) {
            throw new StoreException("cannot read manifest " + key + ": " + e.getMessage(), e);
        }
    }

    private java.util.List<String> orderedScopes(String host) {
        java.util.List<String> all = new java.util.ArrayList<>(ScopeKeyring.scopes(store));
        if (all.remove(host)) {
            all.add(0, host);
        }
        return all;
    }

    /** An item's bytes, checked against its SHA-256. */
    public byte[] bytes(String scope, Artifact item) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            String sha;
            if (item.chunked()) {
                sha = scope(scope).restore(item.chunks(), out);
            } else {
                try (InputStream in = store.get(item.objectKey())) {
                    byte[] b = in.readAllBytes();
                    out.write(b);
                    sha = java.util.HexFormat.of()
                            .formatHex(java.security.MessageDigest.getInstance("SHA-256")
                                    .digest(b));
                } catch (java.security.NoSuchAlgorithmException e) {
                    throw new IllegalStateException(e);
                }
            }
            if (!sha.equals(item.sha256())) {
                throw new CorruptBlobException(
                        item.logicalPath() + ": its bytes hash to " + sha + ", not " + item.sha256());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
