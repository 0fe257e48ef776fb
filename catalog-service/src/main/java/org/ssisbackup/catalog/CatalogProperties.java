package org.ssisbackup.catalog;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.ssisbackup.contracts.RetentionRule;

/**
 * The catalog's settings under {@code ssisbackup.catalog}.
 *
 * @param s3           the bucket the agents write to: the catalog reads manifests from it (rebuild), checks blobs
 *                     (verification) and deletes what retention lets go
 * @param retention    how restore points expire and blobs are deleted
 * @param verification how stored blobs are re-read and checked
 * @param repository   the catalog's escrow key: it opens every scope's keys (the agents wrap them to its public half),
 *                     so the catalog can verify packs and rebuild from encrypted manifests
 * @param trust        whose word on agents' keys the catalog takes (the orchestrator's), and how long an event of a key
 *                     not yet enrolled is held
 * (Who may call the API is {@code ssisbackup.security}, as for every service.)
 */
@ConfigurationProperties("ssisbackup.catalog")
public record CatalogProperties(
        S3 s3, Retention retention, Verification verification, Repository repository, Trust trust) {
    public CatalogProperties {
        trust = trust == null ? new Trust(null, null, null) : trust;
        s3 = s3 == null ? new S3(null, null, null, null) : s3;
        retention = retention == null ? new Retention(null, null, null, null, null, null) : retention;
        verification = verification == null ? new Verification(null, null) : verification;
        repository = repository == null ? new Repository(null, null) : repository;
    }

    @Override
    public String toString() {
        return "CatalogProperties[s3=" + s3 + ", retention=" + retention + ", verification=" + verification + "]";
    }

    /**
     * Agents' events count only under a key the orchestrator enrolled (ADR 0007).
     *
     * @param orchestratorPublicKey the orchestrator's Ed25519 public key (ORCHESTRATOR_PUBLIC_KEY): enrolments must carry
     *                              its signature; the catalog does not start without it
     * @param holdFor               how long an event signed by a key not (yet) enrolled is kept, waiting for its
     *                              enrolment (default 1 day); then dropped and counted
     * @param maxHeld               at most this many such events are kept (default 100,000); more are dead-lettered
     */
    public record Trust(String orchestratorPublicKey, java.time.Duration holdFor, Integer maxHeld) {
        public Trust {
            holdFor = holdFor == null ? java.time.Duration.ofDays(1) : holdFor;
            maxHeld = maxHeld == null || maxHeld < 1 ? 100_000 : maxHeld;
        }

        /** The key enrolments are signed with; a missing or malformed one stops the catalog at start. */
        public java.security.PublicKey orchestratorKey() {
            if (orchestratorPublicKey == null || orchestratorPublicKey.isBlank()) {
                throw new IllegalStateException("ORCHESTRATOR_PUBLIC_KEY is not set: the catalog records agents' events"
                        + " only under keys the orchestrator enrolled, and checks its signature on each enrolment");
            }
            try {
                return org.ssisbackup.platform.messaging.MessageSignature.publicKey(orchestratorPublicKey);
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("ORCHESTRATOR_PUBLIC_KEY is not an Ed25519 public key (base64 X.509)");
            }
        }
    }

    /**
     * The escrow private key (X25519, base64 PKCS#8), inline or in a file readable by the catalog's account only. Its
     * public half is what the agents are given as {@code CATALOG_PUBLIC_KEY}.
     */
    public record Repository(String escrowKey, String escrowKeyFile) {
        @Override
        public String toString() {
            return "Repository[escrowKeyFile=" + escrowKeyFile + "]";
        }
    }

    public record S3(String endpoint, String accessKey, String secretKey, String bucket) {
        @Override
        public String toString() {
            return "S3[endpoint=" + endpoint + ", bucket=" + bucket + "]";
        }
    }

    /**
     * How restore points expire and blobs are deleted.
     *
     * @param schedule         cron (with seconds, in UTC) of the retention pass; "-" turns it off
     * @param blobGrace        a blob no point references is deleted only after this long: keep it longer than the longest
     *                         backup and than the agents' pack-trust, so a backup in flight that reuses it is safe
     * @param defaultRule      the rule for ad-hoc backups (no policy)
     * @param defaultTimeZone  the zone the default rule's days are counted in
     * @param orphanScan       whether a pass also lists the bucket's blobs to find ones no point ever referenced (left by
     *                         failed jobs); they too wait out the grace period
     * @param tombstoneTtl     how long a deleted blob is remembered, so a backup that was running when it was deleted and
     *                         reused it is caught (longer than the longest backup)
     */
    public record Retention(
            String schedule,
            Duration blobGrace,
            RetentionRule defaultRule,
            String defaultTimeZone,
            Boolean orphanScan,
            Duration tombstoneTtl) {
        public Retention {
            schedule = schedule == null || schedule.isBlank() ? "0 15 3 * * *" : schedule;
            blobGrace = blobGrace == null ? Duration.ofDays(2) : blobGrace;
            defaultRule = defaultRule == null || !defaultRule.keepsSomething()
                    ? new RetentionRule(30, null, null, 12, null)
                    : defaultRule;
            defaultTimeZone = defaultTimeZone == null || defaultTimeZone.isBlank() ? "UTC" : defaultTimeZone;
            orphanScan = orphanScan == null || orphanScan;
            tombstoneTtl = tombstoneTtl == null ? Duration.ofDays(7) : tombstoneTtl;
            if (blobGrace.isNegative()) {
                throw new IllegalArgumentException("ssisbackup.catalog.retention.blob-grace cannot be negative");
            }
        }
    }

    /**
     * How stored blobs are re-read and checked.
     *
     * @param schedule cron (with seconds, in UTC) of the scheduled verification; "-" turns it off
     * @param share    the share of stored blobs each run re-reads (0..1], least recently checked first, so the whole
     *                 bucket is covered every 1/share runs
     */
    public record Verification(String schedule, Double share) {
        public Verification {
            schedule = schedule == null || schedule.isBlank() ? "0 45 4 * * *" : schedule;
            share = share == null ? 0.05 : share;
            if (share <= 0 || share > 1) {
                throw new IllegalArgumentException("ssisbackup.catalog.verification.share must be in (0, 1]");
            }
        }
    }
}
