package org.ssisbackup.storage.repository;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.ssisbackup.storage.ObjectStore;

/**
 * What an operator does with a scope's keys, with the checks that keep every restore point readable: a data key is
 * retired only when no object of the bucket is written with it, and the last copy a secret or a passphrase opens is
 * never removed (escrow copies alone would leave the agents without a way in).
 */
public final class KeyOperations {
    private KeyOperations() {}

    /** A data key of a scope: when it was made, whether new writes use it, how many objects are written with it. */
    public record DataKeyUse(UUID id, Instant created, boolean active, long objects) {}

    /** A scope's copies (no key needed to list them) and, when a key opened it, its data keys. */
    public record ScopeDescription(String scope, List<String> copies, List<DataKeyUse> dataKeys) {}

    public static ScopeDescription describe(ObjectStore store, String scope, WrappingKey with) {
        List<String> copies = ScopeKeyring.wrappings(store, scope);
        if (with == null) {
            return new ScopeDescription(scope, copies, List.of());
        }
        ScopeKeys keys = ScopeKeyring.open(store, scope, with);
        Map<UUID, Long> uses = KeyUsage.of(store, scope);
        List<DataKeyUse> data = keys.dataKeys().values().stream()
                .map(k -> new DataKeyUse(
                        k.id(), k.created(), k.id().equals(keys.activeKeyId()), uses.getOrDefault(k.id(), 0L)))
                .toList();
        return new ScopeDescription(scope, copies, data);
    }

    /** Retires a data key nothing is written with any more; refused, with the count, while objects use it. */
    public static ScopeKeys retire(ObjectStore store, String scope, WrappingKey with, UUID keyId) {
        long objects = KeyUsage.of(store, scope).getOrDefault(keyId, 0L);
        if (objects > 0) {
            throw new IllegalStateException("data key " + keyId + " of scope " + scope + " still reads " + objects
                    + " objects (packs, indexes, manifests): it can be retired once retention has deleted them");
        }
        return ScopeKeyring.retire(store, scope, with, keyId);
    }

    /** Removes one copy of the master key; never the last one that a secret or a passphrase opens. */
    public static void removeCopy(ObjectStore store, String scope, String name) {
        List<String> copies = ScopeKeyring.wrappings(store, scope);
        long operatorCopies = copies.stream()
                .filter(n -> n.startsWith("kek-") || n.startsWith("pass-"))
                .count();
        if ((name.startsWith("kek-") || name.startsWith("pass-")) && copies.contains(name) && operatorCopies == 1) {
            throw new IllegalStateException(
                    "copy " + name + " is the last one a key file or a passphrase opens in scope " + scope
                            + ": add another first (keys add), then remove it");
        }
        ScopeKeyring.removeWrapping(store, scope, name);
    }
}
