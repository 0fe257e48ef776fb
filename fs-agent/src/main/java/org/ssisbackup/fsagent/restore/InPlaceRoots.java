package org.ssisbackup.fsagent.restore;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.ssisbackup.contracts.ArtifactKind;
import org.ssisbackup.fsagent.capture.FsAgentProperties;
import org.ssisbackup.fsagent.capture.HostPaths;
import org.ssisbackup.ssis.ServiceConfiguration;

/**
 * Where a restore to the original paths may write on this host: what this agent captures (the package folders its
 * MsDtsSrvr.ini.xml lists and the extra folders, read at the time of the restore), the service configuration itself,
 * and configuration files ({@code *.dtsConfig}) wherever packages keep them. Anything else a manifest names (a path
 * under /etc, a system folder) needs a {@code targetPath}.
 */
public final class InPlaceRoots {
    private final FsAgentProperties properties;
    private final HostPaths hostPaths;

    public InPlaceRoots(FsAgentProperties properties, HostPaths hostPaths) {
        this.properties = properties;
        this.hostPaths = hostPaths;
    }

    /** The folders files may be restored into in place, now. */
    List<Path> folders() {
        List<Path> roots = new ArrayList<>();
        Path ini = properties.serviceConfig();
        if (ini != null) {
            try {
                for (ServiceConfiguration.Folder f :
                        ServiceConfiguration.read(ini).fileSystemFolders()) {
                    if (f.storePath() != null && !f.storePath().isBlank()) {
                        hostPaths
                                .resolve(f.storePath(), ini.toAbsolutePath().getParent())
                                .ifPresent(roots::add);
                    }
                }
            } catch (IOException | RuntimeException e) {
                // No package folder is known: only configuration files and the service configuration may be restored.
            }
        }
        properties.extraFolders().forEach(p -> roots.add(p.toAbsolutePath().normalize()));
        return roots;
    }

    /**
     * Why an item may not be written at {@code destination} in place, if it may not; {@code folders} is what
     * {@link #folders()} gave at the start of the restore (read once, not per item).
     */
    Optional<String> refusal(ArtifactKind kind, Path destination, List<Path> folders) {
        Path dest = destination.toAbsolutePath().normalize();
        Path ini = properties.serviceConfig();
        if (kind == ArtifactKind.SERVICE_CONFIG) {
            return ini != null && dest.equals(ini.toAbsolutePath().normalize())
                    ? Optional.empty()
                    : Optional.of("not this agent's service configuration (" + ini + "); restore it with a targetPath");
        }
        if (kind == ArtifactKind.CONFIG_FILE
                && dest.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".dtsconfig")) {
            return Optional.empty();
        }
        for (Path root : folders) {
            if (dest.startsWith(root) && !dest.equals(root)) {
                return Optional.empty();
            }
        }
        return Optional.of("in place, files are restored only under the folders this agent captures (package"
                + " folders, extra folders) or as .dtsConfig files; restore it with a targetPath");
    }
}
