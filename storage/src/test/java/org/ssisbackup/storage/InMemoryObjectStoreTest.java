package org.ssisbackup.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class InMemoryObjectStoreTest extends ObjectStoreContract {
    @Override
    ObjectStore newStore() {
        return new InMemoryObjectStore("memory");
    }

    @Test
    void aLockedObjectIsNeitherDeletedNorOverwritten() {
        InMemoryObjectStore memory = (InMemoryObjectStore) store;
        memory.put(prefix + "locked", bytes("keep"));
        memory.lock(prefix + "locked", Instant.now().plusSeconds(3600), false);
        assertThatThrownBy(() -> memory.delete(prefix + "locked"))
                .isInstanceOf(StoreException.class)
                .satisfies(e -> assertThat(((StoreException) e).refusal()).isTrue());
        assertThatThrownBy(() -> memory.put(prefix + "locked", bytes("other"))).isInstanceOf(StoreException.class);
        assertThat(memory.stat(prefix + "locked"))
                .hasValueSatisfying(i -> assertThat(i.lockedAt(Instant.now())).isTrue());
    }
}
