package org.ssisbackup.fsagent.capture;

import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import org.ssisbackup.storage.ObjectInfo;
import org.ssisbackup.storage.ObjectStore;

/** An object store that hands every call on, for tests to break one of them. */
class ForwardingObjectStore implements ObjectStore {
    private final ObjectStore to;

    ForwardingObjectStore(ObjectStore to) {
        this.to = to;
    }

    @Override
    public String bucket() {
        return to.bucket();
    }

    @Override
    public void ensureBucket() {
        to.ensureBucket();
    }

    @Override
    public Optional<ObjectInfo> stat(String key) {
        return to.stat(key);
    }

    @Override
    public void put(String key, InputStream in, long size) {
        to.put(key, in, size);
    }

    @Override
    public boolean putIfAbsent(String key, byte[] bytes) {
        return to.putIfAbsent(key, bytes);
    }

    @Override
    public boolean putIfMatch(String key, byte[] bytes, String etag) {
        return to.putIfMatch(key, bytes, etag);
    }

    @Override
    public InputStream get(String key) {
        return to.get(key);
    }

    @Override
    public byte[] read(String key, long offset, int length) {
        return to.read(key, offset, length);
    }

    @Override
    public InputStream get(String key, String etag) {
        return to.get(key, etag);
    }

    @Override
    public void copy(String sourceKey, String targetKey) {
        to.copy(sourceKey, targetKey);
    }

    @Override
    public void delete(String key) {
        to.delete(key);
    }

    @Override
    public List<String> list(String prefix) {
        return to.list(prefix);
    }
}
