package org.ssisbackup.testkit.infra;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The sample SSIS host shipped with the project: a Windows-shaped folder tree ({@code sample-host/}: the
 * service's MsDtsSrvr.ini.xml, file-system packages, .dtsConfig files, a .bat) and a folder of .dtsx files
 * that seeds the msdb stand-in ({@code msdb-seed/}).
 */
public final class SampleHost {
    /** Path of MsDtsSrvr.ini.xml inside the copied host tree. */
    public static final String SERVICE_CONFIG = "Program Files/Microsoft SQL Server/160/DTS/Binn/MsDtsSrvr.ini.xml";

    /** Copies the host tree to {@code target}; returns target. */
    public static Path copyHostTo(Path target) throws IOException {
        copyResourceTree("sample-host", target);
        return target;
    }

    /** Copies the msdb seed folder to {@code target}; returns target. */
    public static Path copyMsdbSeedTo(Path target) throws IOException {
        copyResourceTree("msdb-seed", target);
        return target;
    }

    private static void copyResourceTree(String name, Path target) throws IOException {
        URI uri;
        try {
            uri = SampleHost.class.getResource("/" + name).toURI();
        } catch (URISyntaxException | NullPointerException e) {
            throw new IOException("sample data " + name + " not on the class path", e);
        }
        if ("jar".equals(uri.getScheme())) {
            try (FileSystem fs = FileSystems.newFileSystem(uri, Map.of())) {
                copyTree(fs.getPath("/" + name), target);
            }
        } else {
            copyTree(Path.of(uri), target);
        }
    }

    private static void copyTree(Path source, Path target) throws IOException {
        try (Stream<Path> walk = Files.walk(source)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                Path dest = target.resolve(source.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dest);
                } else {
                    Files.createDirectories(dest.getParent());
                    try (InputStream in = Files.newInputStream(p)) {
                        Files.copy(in, dest, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
        }
    }

    private SampleHost() {}
}
