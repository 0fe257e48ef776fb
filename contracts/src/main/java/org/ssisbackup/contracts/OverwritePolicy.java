package org.ssisbackup.contracts;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.util.Locale;

/** What a restore does with an item that already exists at its destination. */
public enum OverwritePolicy {
    /** Leave it alone and say so. */
    NEVER,
    /** Replace it only when its bytes differ from the restore point's. */
    IF_CHANGED,
    /** Always replace it. */
    ALWAYS;

    /**
     * As people write it ({@code never}, {@code ifChanged}, {@code if-changed}) or as the wire does ({@code IF_CHANGED});
     * anything else names the three.
     */
    @JsonCreator
    public static OverwritePolicy parse(String text) {
        String t = text == null
                ? ""
                : text.trim().replace("-", "").replace("_", "").toLowerCase(Locale.ROOT);
        return switch (t) {
            case "never" -> NEVER;
            case "ifchanged" -> IF_CHANGED;
            case "always" -> ALWAYS;
            default ->
                throw new IllegalArgumentException("overwrite must be never, ifChanged or always, not '" + text + "'");
        };
    }
}
