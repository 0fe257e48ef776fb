package org.ssisbackup.testkit.msdb;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Fills the stand-in's msdb from a folder of .dtsx files: each sub-folder becomes an msdb folder (under the
 * root), each .dtsx a package whose id, version fields and encryption come from the package's own XML, in
 * either the 2012+ attribute form or the 2005/2008 property-element form.
 */
public final class DtsxSeed {
    private static final Pattern ATTRIBUTE = Pattern.compile("DTS:(\\w+)=\"([^\"]*)\"");
    private static final Pattern PROPERTY =
            Pattern.compile("<DTS:Property\\s+DTS:Name=\"(\\w+)\"[^>]*>([^<]*)</DTS:Property>");

    /** Loads every .dtsx under {@code root}; returns how many packages were added. */
    public static int load(Path root, MsdbModel model) throws IOException {
        Map<Path, UUID> folderIds = new HashMap<>();
        folderIds.put(root, MsdbModel.ROOT_FOLDER);
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(root)) {
            paths = walk.sorted().toList();
        }
        int count = 0;
        for (Path p : paths) {
            if (p.equals(root)) {
                continue;
            }
            UUID parent = folderIds.get(p.getParent());
            if (Files.isDirectory(p)) {
                String name = p.getFileName().toString();
                UUID existing = model.getFolder(parent, name);
                UUID id = existing != null
                        ? existing
                        : model.addFolder(
                                parent,
                                name,
                                UUID.nameUUIDFromBytes(
                                        ("folder:" + root.relativize(p)).getBytes(StandardCharsets.UTF_8)));
                folderIds.put(p, id);
            } else if (p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".dtsx")) {
                model.insertPackage(packageRow(p, parent));
                count++;
            }
        }
        return count;
    }

    /** The sysssispackages row a deployment of this .dtsx into {@code folderId} would produce. */
    public static Map<String, Object> packageRow(Path dtsx, UUID folderId) throws IOException {
        byte[] bytes = Files.readAllBytes(dtsx);
        Map<String, String> props = properties(new String(bytes, StandardCharsets.UTF_8));
        String file = dtsx.getFileName().toString();
        String name = file.substring(0, file.length() - ".dtsx".length());
        int protection = intOr(props.get("ProtectionLevel"), 1);
        Map<String, Object> row = new HashMap<>();
        row.put("name", name);
        row.put("id", uuidOr(props.get("DTSID"), "id:" + name));
        row.put("description", props.getOrDefault("Description", ""));
        row.put(
                "createdate",
                LocalDateTime.ofInstant(Files.getLastModifiedTime(dtsx).toInstant(), ZoneOffset.UTC)
                        .withNano(0));
        row.put("folderid", folderId);
        row.put("ownersid", MsdbModel.saSid());
        row.put("packagedata", bytes);
        row.put("packageformat", props.containsKey("ExecutableType") ? 3 : 2);
        row.put("packagetype", 5);
        row.put("vermajor", intOr(props.get("VersionMajor"), 1));
        row.put("verminor", intOr(props.get("VersionMinor"), 0));
        row.put("verbuild", intOr(props.get("VersionBuild"), 0));
        row.put("vercomments", props.getOrDefault("VersionComments", ""));
        row.put("verid", uuidOr(props.get("VersionGUID"), "verid:" + name));
        row.put("isencrypted", protection == 3 || protection == 4);
        row.put("readrolesid", null);
        row.put("writerolesid", null);
        return row;
    }

    private static Map<String, String> properties(String xml) {
        Map<String, String> props = new HashMap<>();
        // Only the package element's own properties: stop at the first child executable or connection.
        int end =
                indexOfAny(xml, "<DTS:ConnectionManager", "<DTS:Executables", "<DTS:Variables", "<DTS:Configuration ");
        String head = end < 0 ? xml : xml.substring(0, end);
        Matcher m = PROPERTY.matcher(head);
        while (m.find()) {
            props.putIfAbsent(m.group(1), m.group(2).trim());
        }
        m = ATTRIBUTE.matcher(head);
        while (m.find()) {
            props.putIfAbsent(m.group(1), m.group(2).trim());
        }
        return props;
    }

    private static int indexOfAny(String s, String... needles) {
        int best = -1;
        for (String n : needles) {
            int i = s.indexOf(n);
            if (i >= 0 && (best < 0 || i < best)) {
                best = i;
            }
        }
        return best;
    }

    private static int intOr(String v, int fallback) {
        try {
            return v == null ? fallback : Integer.parseInt(v);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private static UUID uuidOr(String v, String seed) {
        if (v != null) {
            try {
                return UUID.fromString(v.replace("{", "").replace("}", ""));
            } catch (IllegalArgumentException ignored) {
                // fall through to a stable derived id
            }
        }
        return UUID.nameUUIDFromBytes(seed.getBytes(StandardCharsets.UTF_8));
    }

    private DtsxSeed() {}
}
