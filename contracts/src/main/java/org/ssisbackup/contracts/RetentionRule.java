package org.ssisbackup.contracts;

/**
 * How long a policy's restore points are kept, in the grandfather-father-son way: a point survives if any rule keeps
 * it. {@code keepLast} keeps the newest N; {@code daily}, {@code weekly}, {@code monthly}, {@code yearly} keep the
 * newest point of each of the last N days, ISO weeks, months and years (in the policy's time zone). Null or 0: the
 * rule keeps nothing. Applied by the catalog.
 */
public record RetentionRule(
        @OptionalField Integer keepLast,
        @OptionalField Integer daily,
        @OptionalField Integer weekly,
        @OptionalField Integer monthly,
        @OptionalField Integer yearly) {
    public RetentionRule {
        for (Integer n : new Integer[] {keepLast, daily, weekly, monthly, yearly}) {
            if (n != null && n < 0) {
                throw new IllegalArgumentException("retention counts cannot be negative");
            }
        }
    }

    /** Whether the rule keeps anything at all (a rule that keeps nothing would expire every point). */
    public boolean keepsSomething() {
        return positive(keepLast) || positive(daily) || positive(weekly) || positive(monthly) || positive(yearly);
    }

    private static boolean positive(Integer n) {
        return n != null && n > 0;
    }
}
