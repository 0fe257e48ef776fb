package org.ssisbackup.storage.repository;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.ssisbackup.contracts.MessageCodec;
import org.ssisbackup.contracts.ObjectKeys;
import org.ssisbackup.storage.ObjectInfo;
import org.ssisbackup.storage.ObjectStore;
import org.ssisbackup.storage.StoreException;
import org.ssisbackup.storage.crypto.Envelope;
import org.ssisbackup.storage.crypto.Escrow;
import org.ssisbackup.storage.crypto.MissingKeyException;
import org.ssisbackup.storage.crypto.ObjectKind;
import org.ssisbackup.storage.crypto.Passphrase;
import org.ssisbackup.storage.crypto.TamperedObjectException;

/**
 * A scope's keys in the bucket, as Kopia and restic keep theirs: the id key and the data keys are in
 * {@code keys/<scope>/keyring}, encrypted by the scope's master key; the master key is wrapped once for every key that
 * may open the scope ({@code kek-*}: a secret, {@code pass-*}: a passphrase, {@code escrow-*}: a public key). Rotating
 * or retiring a data key rewrites only the keyring; adding a way in adds one wrapped copy.
 */
public final class ScopeKeyring {
    static final String KEYRING = "keyring";
    /** How long an agent waits for the copies of a keyring another agent has just written. */
    static final java.time.Duration CREATION_WAIT = java.time.Duration.ofSeconds(30);

    private static final byte[] PASSPHRASE_MAGIC = "SSBP".getBytes(StandardCharsets.US_ASCII);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** The scope's master key: what every wrapped copy holds. */
    static final class Master {
        private final UUID id;
        private final byte[] key;

        Master(UUID id, byte[] key) {
            this.id = id;
            this.key = key.clone();
        }

        UUID id() {
            return id;
        }

        byte[] key() {
            return key.clone();
        }

        byte[] encoded() {
            return ByteBuffer.allocate(48)
                    .putLong(id.getMostSignificantBits())
                    .putLong(id.getLeastSignificantBits())
                    .put(key)
                    .array();
        }

        static Master decode(byte[] b) {
            if (b.length != 48) {
                throw new TamperedObjectException("a wrapped master key is 48 bytes, not " + b.length);
            }
            ByteBuffer buf = ByteBuffer.wrap(b);
            UUID id = new UUID(buf.getLong(), buf.getLong());
            byte[] key = new byte[32];
            buf.get(key);
            return new Master(id, key);
        }

        @Override
        public String toString() {
            return "Master[" + id + "]";
        }
    }

    /** The keyring as stored (inside its envelope). */
    record Document(
            @JsonProperty("format") int format,
            @JsonProperty("scope") String scope,
            @JsonProperty("idKey") String idKey,
            @JsonProperty("dataKeys") List<DataKeyDocument> dataKeys,
            @JsonProperty("active") UUID active,
            @JsonProperty("created") Instant created) {}

    record DataKeyDocument(
            @JsonProperty("id") UUID id,
            @JsonProperty("key") String key,
            @JsonProperty("created") Instant created) {}

    /** An open scope: its keys and its master key (to rewrite the keyring). */
    record Opened(ScopeKeys keys, Master master, String etag) {}

    private ScopeKeyring() {}

    /** Whether the scope has a keyring at all. */
    public static boolean exists(ObjectStore store, String scope) {
        return store.stat(ObjectKeys.keys(scope, KEYRING)).isPresent();
    }

    /** Every scope that has keys in the bucket. */
    public static List<String> scopes(ObjectStore store) {
        List<String> out = new ArrayList<>();
        for (String key : store.list("keys/")) {
            String[] parts = key.split("/", -1);
            if (parts.length == 3 && parts[2].equals(KEYRING)) {
                out.add(parts[1]);
            }
        }
        return out;
    }

    /** The names of a scope's wrapped copies ({@code kek-..}, {@code pass-..}, {@code escrow-..}). */
    public static List<String> wrappings(ObjectStore store, String scope) {
        return store.list(ObjectKeys.keysPrefix(scope)).stream()
                .map(k -> k.substring(k.lastIndexOf('/') + 1))
                .filter(n -> !n.equals(KEYRING))
                .toList();
    }

    /**
     * Opens a scope with one key. A scope without keys, or whose copies none opens with this key, is refused with a
     * {@link MissingKeyException} saying which.
     */
    public static ScopeKeys open(ObjectStore store, String scope, WrappingKey with) {
        return openWithMaster(store, scope, with).keys();
    }

    static Opened openWithMaster(ObjectStore store, String scope, WrappingKey with) {
        if (!exists(store, scope)) {
            throw new MissingKeyException("scope " + scope + " has no keys in bucket " + store.bucket() + " yet");
        }
        Master master = unwrap(store, scope, with);
        String key = ObjectKeys.keys(scope, KEYRING);
        String etag = store.stat(key)
                .map(ObjectInfo::etag)
                .orElseThrow(() -> new MissingKeyException("scope " + scope + " has no keyring"));
        byte[] sealed;
        try (InputStream in = store.get(key, etag)) {
            sealed = in.readAllBytes();
        } catch (IOException e) {
            throw new StoreException("cannot read " + key + ": " + e.getMessage(), e);
        }
        return new Opened(readKeyring(sealed, scope, master), master, etag);
    }

    /**
     * Creates a scope's keys (an id key, a first data key, a master key) wrapped by {@code with} and to every recipient.
     * Refused when the scope has keys already.
     */
    public static ScopeKeys create(ObjectStore store, String scope, WrappingKey with, List<WrappingKey> recipients) {
        ScopeKeys keys = tryCreate(store, scope, with, recipients);
        if (keys == null) {
            throw new IllegalStateException("scope " + scope + " has keys already; open it, or add a key to it");
        }
        return keys;
    }

    /**
     * Opens the scope, or creates its keys when it has none (an agent's first start). The two agents of a host start
     * together and may both find no keys: the keyring is written with a conditional write, so exactly one creates the
     * scope; the other opens what it created once its copies are there.
     */
    public static ScopeKeys openOrCreate(
            ObjectStore store, String scope, WrappingKey with, List<WrappingKey> recipients) {
        if (!exists(store, scope)) {
            ScopeKeys created = tryCreate(store, scope, with, recipients);
            if (created != null) {
                return created;
            }
        }
        return openJustCreated(store, scope, with);
    }

    /**
     * The keyring first, conditionally (the commit point: whoever writes it owns the master key), then its copies. A
     * loser writes nothing: a copy it wrote would replace the winner's under the same name. Null when another process
     * created the scope first.
     */
    private static ScopeKeys tryCreate(
            ObjectStore store, String scope, WrappingKey with, List<WrappingKey> recipients) {
        Master master = new Master(UUID.randomUUID(), random(32));
        UUID first = UUID.randomUUID();
        Map<UUID, ScopeKeys.DataKey> data = new LinkedHashMap<>();
        data.put(first, new ScopeKeys.DataKey(first, random(32), Instant.now()));
        ScopeKeys keys = new ScopeKeys(scope, random(32), data, first);
        if (!store.putIfAbsent(ObjectKeys.keys(scope, KEYRING), sealKeyring(scope, master, keys))) {
            return null;
        }
        wrap(store, scope, with, master);
        for (WrappingKey r : recipients) {
            wrap(store, scope, r, master);
        }
        return keys;
    }

    /** Opens a scope whose keyring another process may have written a moment ago (its copies follow within ms). */
    private static ScopeKeys openJustCreated(ObjectStore store, String scope, WrappingKey with) {
        Instant deadline = Instant.now().plus(CREATION_WAIT);
        while (true) {
            try {
                return open(store, scope, with);
            } catch (MissingKeyException e) {
                Instant written = store.stat(ObjectKeys.keys(scope, KEYRING))
                        .map(ObjectInfo::lastModified)
                        .orElse(null);
                boolean justCreated =
                        written != null && written.isAfter(Instant.now().minus(CREATION_WAIT.multipliedBy(2)));
                if (!justCreated || Instant.now().isAfter(deadline)) {
                    throw e;
                }
                try {
                    Thread.sleep(200);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /** Adds a new data key and makes it the one new writes use; older keys keep reading what they wrote. */
    public static ScopeKeys rotate(ObjectStore store, String scope, WrappingKey with) {
        Opened o = openWithMaster(store, scope, with);
        Map<UUID, ScopeKeys.DataKey> data = new LinkedHashMap<>(o.keys().dataKeys());
        UUID next = UUID.randomUUID();
        data.put(next, new ScopeKeys.DataKey(next, random(32), Instant.now()));
        ScopeKeys rotated = new ScopeKeys(scope, o.keys().idKey(), data, next);
        writeKeyring(store, scope, o, rotated);
        return rotated;
    }

    /** Removes a data key; the caller has made sure nothing in the bucket is written with it. The active key stays. */
    public static ScopeKeys retire(ObjectStore store, String scope, WrappingKey with, UUID keyId) {
        Opened o = openWithMaster(store, scope, with);
        if (keyId.equals(o.keys().activeKeyId())) {
            throw new IllegalArgumentException(
                    "key " + keyId + " is the one new writes use: rotate first, then retire it");
        }
        if (!o.keys().dataKeys().containsKey(keyId)) {
            throw new IllegalArgumentException("scope " + scope + " has no data key " + keyId);
        }
        Map<UUID, ScopeKeys.DataKey> data = new LinkedHashMap<>(o.keys().dataKeys());
        data.remove(keyId);
        ScopeKeys retired =
                new ScopeKeys(scope, o.keys().idKey(), data, o.keys().activeKeyId());
        writeKeyring(store, scope, o, retired);
        return retired;
    }

    /** Another way in: wraps the scope's master key for {@code added} too (a second key, a recovery key). */
    public static void addWrapping(ObjectStore store, String scope, WrappingKey with, WrappingKey added) {
        Master master = openWithMaster(store, scope, with).master();
        wrap(store, scope, added, master);
    }

    /** Removes one way in; the last one that a secret or a passphrase opens is never removed. */
    public static void removeWrapping(ObjectStore store, String scope, String name) {
        List<String> names = wrappings(store, scope);
        if (!names.contains(name)) {
            throw new IllegalArgumentException("scope " + scope + " has no key copy " + name);
        }
        store.delete(ObjectKeys.keys(scope, name));
    }

    private static void wrap(ObjectStore store, String scope, WrappingKey w, Master master) {
        String name = w.objectName();
        String key = ObjectKeys.keys(scope, name);
        byte[] wrapped;
        if (w instanceof WrappingKey.Secret s) {
            wrapped = Envelope.seal(ObjectKind.KEYRING, fingerprint(s), s.key(), key, master.encoded());
        } else if (w instanceof WrappingKey.Recipient r) {
            wrapped = Escrow.wrap(r.key(), key, master.encoded());
        } else if (w instanceof WrappingKey.Holder h) {
            wrapped = Escrow.wrap(h.publicKey(), key, master.encoded());
        } else {
            WrappingKey.Phrase p = (WrappingKey.Phrase) w;
            byte[] salt = random(16);
            Passphrase.Params params = Passphrase.DEFAULT;
            byte[] derived = Passphrase.derive(p.passphrase(), salt, params);
            byte[] sealed =
                    Envelope.seal(ObjectKind.KEYRING_PASSPHRASE, UUID.randomUUID(), derived, key, master.encoded());
            // The salt and the costs are stored in clear (as restic's key files keep theirs): they are no secret.
            wrapped = ByteBuffer.allocate(4 + 4 + 4 + 1 + 16 + sealed.length)
                    .put(PASSPHRASE_MAGIC)
                    .putInt(params.memoryKiB())
                    .putInt(params.iterations())
                    .put((byte) params.parallelism())
                    .put(salt)
                    .put(sealed)
                    .array();
        }
        store.put(key, wrapped);
    }

    private static Master unwrap(ObjectStore store, String scope, WrappingKey with) {
        List<String> names = wrappings(store, scope);
        List<String> candidates = with instanceof WrappingKey.Phrase
                ? names.stream().filter(n -> n.startsWith("pass-")).toList()
                : names.contains(with.objectName()) ? List.of(with.objectName()) : List.of();
        for (String name : candidates) {
            String key = ObjectKeys.keys(scope, name);
            byte[] wrapped = readAll(store, key);
            try {
                byte[] master;
                if (with instanceof WrappingKey.Secret s) {
                    master = Envelope.open(wrapped, ObjectKind.KEYRING, key, id -> s.key());
                } else if (with instanceof WrappingKey.Holder h) {
                    master = Escrow.unwrap(h.privateKey(), h.publicKey(), key, wrapped);
                } else if (with instanceof WrappingKey.Phrase p) {
                    master = openPassphrase(wrapped, key, p);
                } else {
                    throw new MissingKeyException("a public key cannot open scope " + scope);
                }
                return Master.decode(master);
            } catch (TamperedObjectException e) {
                if (!(with instanceof WrappingKey.Phrase)) {
                    throw e; // the copy named for this key does not open with it: damaged or replaced
                }
                // another passphrase's copy: try the next
            }
        }
        throw new MissingKeyException(
                "no key copy of scope " + scope + " opens with the given key (" + with + "); its copies: " + names);
    }

    private static byte[] openPassphrase(byte[] wrapped, String key, WrappingKey.Phrase p) {
        ByteBuffer b = ByteBuffer.wrap(wrapped);
        byte[] magic = new byte[4];
        if (wrapped.length < 29 + Envelope.OVERHEAD) {
            throw new TamperedObjectException(key + ": too short");
        }
        b.get(magic);
        if (!java.util.Arrays.equals(magic, PASSPHRASE_MAGIC)) {
            throw new TamperedObjectException(key + ": not a passphrase-wrapped key");
        }
        Passphrase.Params params = new Passphrase.Params(b.getInt(), b.getInt(), b.get());
        byte[] salt = new byte[16];
        b.get(salt);
        byte[] derived = Passphrase.derive(p.passphrase(), salt, params);
        return Envelope.open(wrapped, 29, wrapped.length - 29, ObjectKind.KEYRING_PASSPHRASE, key, id -> derived);
    }

    private static ScopeKeys readKeyring(byte[] sealed, String scope, Master master) {
        String key = ObjectKeys.keys(scope, KEYRING);
        byte[] plain =
                Envelope.open(sealed, ObjectKind.KEYRING, key, id -> id.equals(master.id()) ? master.key() : null);
        Document d = MessageCodec.decodeDocument(plain, Document.class);
        if (d.format() != 2 || !scope.equals(d.scope())) {
            throw new TamperedObjectException(
                    key + ": a keyring of scope " + d.scope() + " (format " + d.format() + ")");
        }
        Map<UUID, ScopeKeys.DataKey> data = new LinkedHashMap<>();
        for (DataKeyDocument k : d.dataKeys()) {
            data.put(k.id(), new ScopeKeys.DataKey(k.id(), Base64.getDecoder().decode(k.key()), k.created()));
        }
        return new ScopeKeys(scope, Base64.getDecoder().decode(d.idKey()), data, d.active());
    }

    /**
     * Replaces the keyring only if it is still the one read: two rotations at once must not lose a data key that an
     * agent may already write with.
     */
    private static void writeKeyring(ObjectStore store, String scope, Opened read, ScopeKeys keys) {
        if (!store.putIfMatch(ObjectKeys.keys(scope, KEYRING), sealKeyring(scope, read.master(), keys), read.etag())) {
            throw new IllegalStateException("the keyring of scope " + scope
                    + " changed while this change was made: nothing written; run it again");
        }
    }

    private static byte[] sealKeyring(String scope, Master master, ScopeKeys keys) {
        List<DataKeyDocument> data = keys.dataKeys().values().stream()
                .map(k -> new DataKeyDocument(k.id(), Base64.getEncoder().encodeToString(k.key()), k.created()))
                .toList();
        Document d = new Document(
                2, scope, Base64.getEncoder().encodeToString(keys.idKey()), data, keys.activeKeyId(), Instant.now());
        String key = ObjectKeys.keys(scope, KEYRING);
        return Envelope.seal(ObjectKind.KEYRING, master.id(), master.key(), key, MessageCodec.encode(d));
    }

    static byte[] readAll(ObjectStore store, String key) {
        try (InputStream in = store.get(key)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new StoreException("cannot read " + key + ": " + e.getMessage(), e);
        }
    }

    private static UUID fingerprint(WrappingKey.Secret s) {
        byte[] fp = java.util.HexFormat.of().parseHex(s.fingerprint());
        return UUID.nameUUIDFromBytes(fp);
    }

    static byte[] random(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }
}
