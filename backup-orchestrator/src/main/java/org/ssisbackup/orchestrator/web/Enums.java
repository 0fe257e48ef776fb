package org.ssisbackup.orchestrator.web;

import java.util.List;
import java.util.Locale;

/** Enum values as users type them in query parameters; an unknown one names the known ones. */
final class Enums {
    static <E extends Enum<E>> E parse(Class<E> type, String parameter, String text) {
        try {
            return Enum.valueOf(type, text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "unknown " + parameter + " '" + text + "'; known: " + List.of(type.getEnumConstants()));
        }
    }

    private Enums() {}
}
