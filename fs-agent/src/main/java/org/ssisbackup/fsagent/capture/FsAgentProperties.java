package org.ssisbackup.fsagent.capture;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the file-system agent under {@code ssisbackup.fs}; those every agent has (host id, bucket) are under
 * {@code ssisbackup.agent}.
 *
 * @param serviceConfig path of MsDtsSrvr.ini.xml
 * @param extraFolders  folders captured besides those the service configuration lists
 * @param driveRoots    where Windows drive letters live when the agent reads a copied host tree
 *                      (e.g. {@code C: /srv/hosts/sql01/c}); empty on Windows itself
 * @param environment   environment variables of the host that override this process's own (for type 5
 *                      configurations when the agent reads a copied host tree); empty on the host itself
 * @param msdbReferencesTimeout how long a job waits for the msdb agent's configuration references
 * @param uploadParallelism how many files are hashed and uploaded (or restored) at once (default 4)
 * @param include       globs a walked file must match to be captured (empty: every file); matched against the path
 *                      relative to its package folder with '/' separators, and a glob without '/' also against the
 *                      file name
 * @param exclude       globs of files never captured (matched like {@code include}), e.g. {@code *.tmp}, {@code archive/**}
 * @param discoveryRoots folders (whole drives, such as {@code D:\}) searched after each capture for {@code *.dtsx} and
 *                      {@code *.dtsConfig} files that nothing captured, reported as warnings and a gauge (empty: no
 *                      search)
 */
@Validated
@ConfigurationProperties("ssisbackup.fs")
public record FsAgentProperties(
        Path serviceConfig,
        List<Path> extraFolders,
        Map<String, Path> driveRoots,
        Map<String, String> environment,
        java.time.Duration msdbReferencesTimeout,
        Integer uploadParallelism,
        List<String> include,
        List<String> exclude,
        List<Path> discoveryRoots) {
    public FsAgentProperties {
        discoveryRoots = discoveryRoots == null ? List.of() : List.copyOf(discoveryRoots);
        include = include == null ? List.of() : List.copyOf(include);
        exclude = exclude == null ? List.of() : List.copyOf(exclude);
        extraFolders = extraFolders == null ? List.of() : List.copyOf(extraFolders);
        driveRoots = driveRoots == null ? Map.of() : Map.copyOf(driveRoots);
        environment = environment == null ? Map.of() : Map.copyOf(environment);
        uploadParallelism = uploadParallelism == null ? 4 : Math.max(1, uploadParallelism);
        msdbReferencesTimeout =
                msdbReferencesTimeout == null ? java.time.Duration.ofMinutes(30) : msdbReferencesTimeout;
    }
}
