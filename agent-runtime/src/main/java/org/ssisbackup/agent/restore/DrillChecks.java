package org.ssisbackup.agent.restore;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What a handler checked in a drill (its problems go to the {@link RestoreContext} as failed items): counted here so
 * the report says how much was proven, not only what failed. Thread-safe: handlers check items in parallel.
 */
public final class DrillChecks {
    private final AtomicLong itemsChecked = new AtomicLong();
    private final AtomicLong documentsParsed = new AtomicLong();
    private final AtomicLong referencesChecked = new AtomicLong();
    private volatile String notCleaned;

    /** An item restored into the scratch place whose bytes there hash to the recorded SHA-256. */
    public void itemChecked() {
        itemsChecked.incrementAndGet();
    }

    /** A document read as what it claims to be (a package, a configuration file, a project manifest). */
    public void documentParsed() {
        documentsParsed.incrementAndGet();
    }

    /** A configuration reference found within the point. */
    public void referenceChecked() {
        referencesChecked.incrementAndGet();
    }

    /** Something of the drill could not be removed from a scratch place: the drill fails with this reason. */
    public void notCleaned(String reason) {
        notCleaned = reason;
    }

    public long itemsChecked() {
        return itemsChecked.get();
    }

    public long documentsParsed() {
        return documentsParsed.get();
    }

    public long referencesChecked() {
        return referencesChecked.get();
    }

    /** Null when every handler removed what the drill wrote. */
    public String notCleaned() {
        return notCleaned;
    }
}
