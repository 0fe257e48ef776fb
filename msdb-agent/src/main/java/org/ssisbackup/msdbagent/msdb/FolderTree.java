package org.ssisbackup.msdbagent.msdb;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * msdb's package folders, from the root {@code 00000000-...} down. A path is {@code \Folder\Sub}; the root is
 * {@code \}. Folder names compare case-insensitively, as msdb's default collation does.
 */
public final class FolderTree {
    public static final UUID ROOT = new UUID(0, 0);

    public record Folder(UUID id, UUID parent, String name) {}

    private final Map<UUID, Folder> folders = new LinkedHashMap<>();

    public static FolderTree load(Connection c, MsdbDialect dialect, int timeoutSeconds) throws MsdbException {
        FolderTree tree = new FolderTree();
        try (Statement s = c.createStatement()) {
            s.setQueryTimeout(timeoutSeconds);
            try (ResultSet rs =
                    s.executeQuery("SELECT folderid, parentfolderid, foldername FROM " + dialect.foldersTable())) {
                while (rs.next()) {
                    UUID id = UUID.fromString(rs.getString("folderid").trim());
                    String parent = rs.getString("parentfolderid");
                    tree.add(id, parent == null ? null : UUID.fromString(parent.trim()), rs.getString("foldername"));
                }
            }
        } catch (SQLException e) {
            throw MsdbException.of("cannot read msdb's package folders", e);
        }
        if (!tree.folders.containsKey(ROOT)) {
            tree.add(ROOT, null, "");
        }
        return tree;
    }

    public void add(UUID id, UUID parent, String name) {
        folders.put(id, new Folder(id, parent, name));
    }

    public Collection<Folder> all() {
        return folders.values();
    }

    public boolean contains(UUID id) {
        return folders.containsKey(id);
    }

    /** {@code \Folder\Sub}, walked up through parentfolderid to the root; a broken chain is cut, not looped. */
    public String pathOf(UUID id) {
        List<String> parts = new ArrayList<>();
        UUID cur = id;
        int guard = 0;
        while (cur != null && !cur.equals(ROOT) && guard++ < 256) {
            Folder f = folders.get(cur);
            if (f == null) {
                parts.add(0, "(unknown folder " + cur + ")");
                break;
            }
            parts.add(0, f.name());
            cur = f.parent();
        }
        return "\\" + String.join("\\", parts);
    }

    public Optional<UUID> child(UUID parent, String name) {
        for (Folder f : folders.values()) {
            if (parent.equals(f.parent()) && f.name().toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))) {
                return Optional.of(f.id());
            }
        }
        return Optional.empty();
    }

    /** The folder at a path, if every folder on the way exists. */
    public Optional<UUID> find(String path) {
        UUID cur = ROOT;
        for (String segment : segments(path)) {
            Optional<UUID> next = child(cur, segment);
            if (next.isEmpty()) {
                return Optional.empty();
            }
            cur = next.get();
        }
        return Optional.of(cur);
    }

    /** The names of a path's folders, outermost first; {@code \} has none. */
    public static List<String> segments(String path) {
        List<String> out = new ArrayList<>();
        for (String s : path.split("\\\\", -1)) {
            if (!s.isEmpty()) {
                out.add(s);
            }
        }
        return out;
    }
}
