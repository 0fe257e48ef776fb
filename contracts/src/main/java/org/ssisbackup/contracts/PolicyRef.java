package org.ssisbackup.contracts;

import java.util.UUID;

/**
 * The policy a backup ran under, as it stood when the job was dispatched: carried by the command, the agents' job ends
 * and their manifests, so the catalog applies the policy's retention (and a catalog rebuilt from the bucket knows it).
 *
 * @param timeZone the IANA zone the retention's days, weeks, months and years are counted in
 */
public record PolicyRef(UUID id, String name, RetentionRule retention, String timeZone) {}
