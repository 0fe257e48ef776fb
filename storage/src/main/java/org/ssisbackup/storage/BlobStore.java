package org.ssisbackup.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.ssisbackup.contracts.Manifest;
import org.ssisbackup.contracts.MessageCodec;
import org.ssisbackup.contracts.ObjectKeys;

/**
 * The bucket in the layout of {@link ObjectKeys}: content-addressed blobs written once, and manifests, on any
 * {@link ObjectStore}. Whatever is read is checked against the hash it is stored under before a caller may use it.
 */
public final class BlobStore {
    private final ObjectStore objects;

    public BlobStore(ObjectStore objects) {
        this.objects = objects;
    }

    /** A bucket on an S3 endpoint, through the MinIO SDK. */
    public static BlobStore connect(String endpoint, String accessKey, String secretKey, String bucket) {
        return new BlobStore(S3ObjectStore.connect(endpoint, accessKey, secretKey, bucket));
    }

    public String bucket() {
        return objects.bucket();
    }

    /** The objects underneath, for what is not a blob or a manifest. */
    public ObjectStore objects() {
        return objects;
    }

    /** Creates the bucket when it does not exist yet. */
    public void ensureBucket() {
        objects.ensureBucket();
    }

    /** Whether a blob with this SHA-256 is already stored (a HEAD request). */
    public boolean hasBlob(String sha256) {
        return exists(ObjectKeys.blob(sha256));
    }

    public boolean exists(String key) {
        return stat(key).isPresent();
    }

    /** The object's size, age and lock, or empty when it is not there. */
    public Optional<ObjectInfo> stat(String key) {
        return objects.stat(key);
    }

    /**
     * Uploads a file under its content address, re-hashing the bytes as they are sent. If they no longer
     * match {@code expectedSha256} (the file changed after it was hashed) the object is removed again and
     * a {@link ContentChangedException} is thrown: no blob ever holds bytes other than its name says.
     */
    public void putBlob(Path file, String expectedSha256, long size) {
        String key = ObjectKeys.blob(expectedSha256);
        MessageDigest md = Sha256.newDigest();
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), md)) {
            objects.put(key, in, size);
        } catch (IOException e) {
            throw new StoreException("cannot read " + file + " while uploading: " + e.getMessage(), e);
        }
        String actual = HexFormat.of().formatHex(md.digest());
        if (!actual.equals(expectedSha256)) {
            removeQuietly(key);
            throw new ContentChangedException(file + " changed while it was read");
        }
    }

    /** A file's bytes under their content address, and whether this call uploaded them. */
    public record StoredBlob(String sha256, long size, boolean uploaded) {
        public String key() {
            return ObjectKeys.blob(sha256);
        }
    }

    /**
     * Stores a file content-addressed: hashes it in one streaming pass, and uploads it only when no blob with
     * that hash exists yet (so an unchanged file costs one read and one HEAD request).
     */
    public StoredBlob storeFile(Path file) throws IOException {
        return storeHashed(file, Sha256.of(file));
    }

    /**
     * Stores a file whose digest the caller took while writing it (a package streamed from msdb): uploaded
     * only when no blob with that hash exists yet, re-hashed on the way up like every upload.
     */
    public StoredBlob storeHashed(Path file, Sha256.Digest digest) {
        if (hasBlob(digest.hex())) {
            return new StoredBlob(digest.hex(), digest.size(), false);
        }
        putBlob(file, digest.hex(), digest.size());
        return new StoredBlob(digest.hex(), digest.size(), true);
    }

    /**
     * Stores bytes already in memory (a small file read once): hashed, and uploaded only when no blob with that
     * hash exists yet. The blob holds exactly these bytes, so no re-hash is needed on the way up.
     */
    public StoredBlob storeBytes(byte[] bytes) {
        String hex = HexFormat.of().formatHex(Sha256.newDigest().digest(bytes));
        if (hasBlob(hex)) {
            return new StoredBlob(hex, bytes.length, false);
        }
        objects.put(ObjectKeys.blob(hex), bytes);
        return new StoredBlob(hex, bytes.length, true);
    }

    /**
     * Copies a blob to {@code target} and checks that its bytes hash to its name; a mismatch throws
     * {@link CorruptBlobException} and the caller must not use the file (restores write to a temporary file).
     */
    public Sha256.Digest download(String sha256, Path target) throws IOException {
        Sha256.Digest digest;
        try (InputStream in = openBlob(sha256);
                java.io.OutputStream out = Files.newOutputStream(target)) {
            digest = Sha256.copy(in, out);
        }
        if (!digest.hex().equals(sha256)) {
            throw new CorruptBlobException("stored bytes do not match their SHA-256 (expected " + sha256 + ", got "
                    + digest.hex() + "); nothing written");
        }
        return digest;
    }

    /**
     * Moves an object that something else wrote into the bucket (SQL Server 2022's {@code BACKUP ... TO URL})
     * under its content address: its bytes are hashed in one streaming read, copied inside the bucket unless a
     * blob with that hash exists, and the staged object is removed. The read is tied to the ETag seen first, and the
     * ETag is checked again after the copy: a staged object replaced meanwhile fails the call (and its copy is
     * removed) instead of landing under the wrong name.
     */
    public StoredBlob adopt(String stagedKey) throws IOException {
        String etag = etagOf(stagedKey);
        Sha256.Digest digest;
        try (InputStream in = objects.get(stagedKey, etag)) {
            digest = Sha256.copy(in, java.io.OutputStream.nullOutputStream());
        }
        boolean copied = false;
        if (!hasBlob(digest.hex())) {
            String key = ObjectKeys.blob(digest.hex());
            objects.copy(stagedKey, key);
            if (!etag.equals(etagOf(stagedKey))) {
                removeQuietly(key);
                throw new ContentChangedException(stagedKey + " changed while it was moved under its content address");
            }
            copied = true;
        }
        remove(stagedKey);
        return new StoredBlob(digest.hex(), digest.size(), copied);
    }

    private String etagOf(String key) {
        return stat(key)
                .orElseThrow(() -> new StoreException("cannot look up " + key + ": NoSuchKey", "NoSuchKey", null))
                .etag();
    }

    /** Removes an object; removing one that is not there is not an error. */
    public void remove(String key) {
        objects.delete(key);
    }

    /** Opens a blob; the caller verifies its SHA-256 before trusting the bytes. */
    public InputStream openBlob(String sha256) {
        return open(ObjectKeys.blob(sha256));
    }

    public InputStream open(String key) {
        return objects.get(key);
    }

    /** Writes a manifest under {@link ObjectKeys#manifest}; returns its key. */
    public String putManifest(Manifest manifest) {
        String key = ObjectKeys.manifest(manifest.hostId(), manifest.restorePointId(), manifest.agent());
        try {
            objects.put(key, MessageCodec.encode(manifest));
        } catch (StoreException e) {
            throw new StoreException("cannot write manifest " + key + ": " + e.getMessage(), e.code(), e);
        }
        return key;
    }

    public Manifest readManifest(String key) {
        try (InputStream in = open(key)) {
            return MessageCodec.decodeManifest(in.readAllBytes());
        } catch (IOException e) {
            throw new StoreException("cannot read manifest " + key + ": " + e.getMessage(), e);
        }
    }

    /** Keys of every object under a prefix. */
    public List<String> list(String prefix) {
        return objects.list(prefix);
    }

    private void removeQuietly(String key) {
        try {
            remove(key);
        } catch (StoreException ignored) {
            // The caller reports the original failure; a leftover is caught by verification.
        }
    }
}
