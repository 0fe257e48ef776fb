package org.ssisbackup.contracts;

/**
 * What a restore drill checked on one agent, beside the restore's own lists (what failed is in its {@code failed}):
 * the items restored into the scratch place and checked there, the documents parsed (.dtsx, .dtsConfig, the service
 * configuration, .ispac manifests), the configuration references looked for in the point, and whether the scratch
 * place was removed afterwards.
 *
 * @param drillId       the drill this report is part of (one drill may prove the points of many hosts)
 * @param itemsChecked  items restored and whose restored bytes hash to the recorded SHA-256
 * @param documentsParsed documents read as what they claim to be
 * @param referencesChecked configuration references found within the point
 * @param cleanedUp     whether nothing of the drill is left in its scratch places
 * @param scratch       where the drill ran (a folder, an msdb folder), for the report
 */
public record DrillReport(
        java.util.UUID drillId,
        long itemsChecked,
        long documentsParsed,
        long referencesChecked,
        boolean cleanedUp,
        String scratch) {}
