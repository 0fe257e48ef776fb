package org.ssisbackup.contracts;

import java.util.HexFormat;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Pattern;

/** The bucket's object layout. */
public final class ObjectKeys {
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern HEX64 = SHA256;
    private static final Pattern HOST_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    /** Content-addressed bytes, written once: {@code blobs/sha256/ab/abcdef...}. */
    public static String blob(String sha256) {
        if (sha256 == null || !SHA256.matcher(sha256).matches()) {
            throw new IllegalArgumentException("not a lower-case hex SHA-256: " + sha256);
        }
        return "blobs/sha256/" + sha256.substring(0, 2) + "/" + sha256;
    }

    public static String blob(byte[] sha256Digest) {
        return blob(HexFormat.of().formatHex(sha256Digest));
    }

    /**
     * One manifest per agent and restore point, so the two agents of a host never write the same object:
     * {@code manifests/<host>/<restorePointId>/<agent>.json}.
     */
    public static String manifest(String hostId, UUID restorePointId, AgentKind agent) {
        return manifestPrefix(hostId) + restorePointId + "/" + agent.name().toLowerCase(Locale.ROOT) + ".json";
    }

    public static String manifestPrefix(String hostId) {
        requireValidHostId(hostId);
        return "manifests/" + hostId + "/";
    }

    /**
     * Where something other than an agent writes an object before the agent moves it under its content address
     * (SQL Server 2022's {@code BACKUP ... TO URL}): {@code staging/<host>/<restorePointId>/<name>}. Nothing under
     * {@code staging/} is ever referenced by a restore point.
     */
    public static String staging(String hostId, UUID restorePointId, String name) {
        requireValidHostId(hostId);
        if (!name.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("not a staging object name: " + name);
        }
        return "staging/" + hostId + "/" + restorePointId + "/" + name;
    }

    /**
     * A pack of a repository of format 2: encrypted blobs and their encrypted index, {@code packs/<scope>/ab/<id>}. The id
     * is random: nothing about the contents can be read from the name.
     */
    public static String pack(String scope, String packId) {
        requireValidHostId(scope);
        requireHex64(packId);
        return "packs/" + scope + "/" + packId.substring(0, 2) + "/" + packId;
    }

    /** The pack id a pack's key ends in, or null for a key that is not a pack's. */
    public static String packIdOf(String key) {
        if (key == null || !key.startsWith("packs/")) {
            return null;
        }
        String id = key.substring(key.lastIndexOf('/') + 1);
        return HEX64.matcher(id).matches() ? id : null;
    }

    /**
     * The id of an object restore points reference (a format 1 blob's SHA-256, a format 2 pack's id), or null for a key
     * that is neither: only keys this class makes are accepted, so no event or manifest can name another object.
     */
    public static String objectIdOf(String key) {
        if (key == null) {
            return null;
        }
        String id = key.substring(key.lastIndexOf('/') + 1);
        if (!HEX64.matcher(id).matches()) {
            return null;
        }
        if (key.startsWith("blobs/")) {
            return key.equals(blob(id)) ? id : null;
        }
        if (key.startsWith("packs/")) {
            String[] parts = key.split("/", -1);
            return parts.length == 4 && isValidHostId(parts[1]) && key.equals(pack(parts[1], id)) ? id : null;
        }
        return null;
    }

    /** The index objects of a scope: {@code index/<scope>/<id>}, one per job that wrote packs. */
    public static String index(String scope, String indexId) {
        requireValidHostId(scope);
        requireHex64(indexId);
        return indexPrefix(scope) + indexId;
    }

    public static String indexPrefix(String scope) {
        requireValidHostId(scope);
        return "index/" + scope + "/";
    }

    /** The keyring objects of a scope: {@code keys/<scope>/<name>}. */
    public static String keys(String scope, String name) {
        requireValidHostId(scope);
        if (!name.matches("[a-z0-9-]{1,80}")) {
            throw new IllegalArgumentException("not a key object name: " + name);
        }
        return keysPrefix(scope) + name;
    }

    public static String keysPrefix(String scope) {
        requireValidHostId(scope);
        return "keys/" + scope + "/";
    }

    /** An encrypted manifest (format 2): {@code manifests/<host>/<restorePointId>/<agent>.m2}. */
    public static String encryptedManifest(String hostId, UUID restorePointId, AgentKind agent) {
        return manifestPrefix(hostId) + restorePointId + "/" + agent.name().toLowerCase(Locale.ROOT) + ".m2";
    }

    public static String requireHex64(String id) {
        if (id == null || !HEX64.matcher(id).matches()) {
            throw new IllegalArgumentException("not 64 lower-case hex digits: " + id);
        }
        return id;
    }

    public static boolean isValidHostId(String hostId) {
        return hostId != null && HOST_ID.matcher(hostId).matches();
    }

    public static String requireValidHostId(String hostId) {
        if (!isValidHostId(hostId)) {
            throw new IllegalArgumentException(
                    "host id must be 1-128 characters of letters, digits, '.', '_' or '-', starting with a letter or digit: "
                            + hostId);
        }
        return hostId;
    }

    private ObjectKeys() {}
}
