package org.ssisbackup.fsagent.capture;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.ssisbackup.ssis.PackageXml;

/**
 * Packages' protection levels and configurations by content hash: parsing a 5 MB package on every backup costs
 * more than everything else an unchanged package needs, and equal bytes always parse the same. Bounded (least
 * recently used first out); shared by every job of the agent.
 */
public final class PackageInfoCache {
    private final Map<String, PackageXml.PackageInfo> bySha256;

    public PackageInfoCache(int capacity) {
        this.bySha256 = new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, PackageXml.PackageInfo> eldest) {
                return size() > capacity;
            }
        };
    }

    /** The package's information, parsed from the file only when these bytes were never parsed before. */
    public PackageXml.PackageInfo read(Path dtsx, String sha256) throws IOException {
        synchronized (bySha256) {
            PackageXml.PackageInfo cached = bySha256.get(sha256);
            if (cached != null) {
                return cached;
            }
        }
        PackageXml.PackageInfo info;
        try (InputStream in = Files.newInputStream(dtsx)) {
            info = PackageXml.read(in);
        }
        synchronized (bySha256) {
            bySha256.put(sha256, info);
        }
        return info;
    }
}
