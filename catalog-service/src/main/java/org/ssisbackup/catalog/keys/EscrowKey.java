package org.ssisbackup.catalog.keys;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.ssisbackup.catalog.CatalogProperties;
import org.ssisbackup.storage.ObjectStore;
import org.ssisbackup.storage.StoreException;
import org.ssisbackup.storage.crypto.Escrow;
import org.ssisbackup.storage.crypto.MissingKeyException;
import org.ssisbackup.storage.repository.KeyMaterial;
import org.ssisbackup.storage.repository.ScopeKeyring;
import org.ssisbackup.storage.repository.WrappingKey;

/**
 * The catalog's escrow key, checked at start: without it (or with a key that opens none of the bucket's scopes) the
 * catalog could record points but never verify or rebuild them, and would only say so the night verification runs.
 */
public final class EscrowKey {
    private static final Logger log = LoggerFactory.getLogger(EscrowKey.class);

    private EscrowKey() {}

    /** The configured key, or an {@link IllegalStateException} saying what to set. */
    public static WrappingKey.Holder load(CatalogProperties.Repository settings) {
        String text;
        if (settings.escrowKeyFile() != null && !settings.escrowKeyFile().isBlank()) {
            try {
                text = KeyMaterial.read(Path.of(settings.escrowKeyFile()));
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("the catalog's escrow key: " + e.getMessage(), e);
            }
        } else if (settings.escrowKey() != null && !settings.escrowKey().isBlank()) {
            text = settings.escrowKey();
        } else {
            throw new IllegalStateException(
                    "no escrow key: set ssisbackup.catalog.repository.escrow-key-file (CATALOG_ESCROW_KEY_FILE) or"
                            + " escrow-key (CATALOG_ESCROW_KEY) to the private key whose public half the agents have"
                            + " as CATALOG_PUBLIC_KEY (docs/repository-format.md, \"Keys\")");
        }
        try {
            return KeyMaterial.holder(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("the catalog's escrow key: " + e.getMessage(), e);
        }
    }

    /**
     * Tries the key on every scope of the bucket. Opening none of several is a wrong key: the catalog stops. Opening
     * some but not all is said (an agent was given another catalog public key); a bucket that does not answer is said
     * and the check is left to the first verification.
     */
    public static void check(WrappingKey.Holder key, ObjectStore store) {
        List<String> scopes;
        try {
            scopes = ScopeKeyring.scopes(store);
        } catch (StoreException e) {
            log.warn("escrow key not checked: the bucket did not answer ({})", e.getMessage());
            return;
        }
        List<String> closed = new ArrayList<>();
        for (String scope : scopes) {
            try {
                ScopeKeyring.open(store, scope, key);
            } catch (MissingKeyException e) {
                closed.add(scope);
            } catch (StoreException e) {
                log.warn("escrow key not checked on scope {}: {}", scope, e.getMessage());
            }
        }
        String fingerprint = Escrow.fingerprintText(key.publicKey());
        if (!scopes.isEmpty() && closed.size() == scopes.size()) {
            throw new IllegalStateException("the catalog's escrow key (" + fingerprint + ") opens none of the "
                    + scopes.size() + " scopes in the bucket: it is not the key whose public half the agents were"
                    + " given as CATALOG_PUBLIC_KEY");
        }
        if (!closed.isEmpty()) {
            log.warn(
                    "the catalog's escrow key ({}) does not open scopes {}: their agents were given another catalog"
                            + " public key; their restore points cannot be verified or rebuilt",
                    fingerprint,
                    closed);
        } else {
            log.info("escrow key {} opens all {} scopes of the bucket", fingerprint, scopes.size());
        }
    }
}
