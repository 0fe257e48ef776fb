package org.ssisbackup.contracts;

import java.util.HexFormat;
import java.util.UUID;
import java.util.regex.Pattern;

/** The bucket's object layout. */
public final class ObjectKeys {
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
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
        return manifestPrefix(hostId) + restorePointId + "/" + agent.name().toLowerCase() + ".json";
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
