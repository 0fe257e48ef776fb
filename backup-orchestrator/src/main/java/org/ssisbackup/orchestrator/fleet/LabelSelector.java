package org.ssisbackup.orchestrator.fleet;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Which hosts a policy or a request means, by label, in Kubernetes' equality syntax: {@code env=prod,region!=eu,team}
 * (every term must hold; a bare key means the label is set). The empty selector selects every host.
 */
public record LabelSelector(List<Term> terms) {
    static final Pattern KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/-]{0,62}");
    static final Pattern VALUE = Pattern.compile("[A-Za-z0-9._-]{0,63}");

    public record Term(String key, String value, boolean equal) {
        boolean matches(Map<String, String> labels) {
            String v = labels.get(key);
            if (value == null) {
                return v != null;
            }
            return equal == value.equals(v);
        }

        @Override
        public String toString() {
            return value == null ? key : key + (equal ? "=" : "!=") + value;
        }
    }

    public LabelSelector {
        terms = List.copyOf(terms);
    }

    public static final LabelSelector ALL = new LabelSelector(List.of());

    /** Parses a selector; the message of a bad one says which term and why. */
    public static LabelSelector parse(String text) {
        if (text == null || text.isBlank()) {
            return ALL;
        }
        List<Term> terms = new ArrayList<>();
        for (String raw : text.split(",", -1)) {
            String t = raw.trim();
            Term term;
            int ne = t.indexOf("!=");
            int eq = t.indexOf('=');
            if (ne > 0) {
                term = new Term(t.substring(0, ne).trim(), t.substring(ne + 2).trim(), false);
            } else if (eq > 0) {
                term = new Term(t.substring(0, eq).trim(), t.substring(eq + 1).trim(), true);
            } else {
                term = new Term(t, null, true);
            }
            if (!KEY.matcher(term.key()).matches()) {
                throw new IllegalArgumentException(
                        "label selector term '" + t + "': a key is 1-63 letters, digits, '.', '_', '-', '/'");
            }
            if (term.value() != null && !VALUE.matcher(term.value()).matches()) {
                throw new IllegalArgumentException(
                        "label selector term '" + t + "': a value is up to 63 letters, digits, '.', '_', '-'");
            }
            terms.add(term);
        }
        return new LabelSelector(terms);
    }

    public boolean matches(Map<String, String> labels) {
        return terms.stream().allMatch(t -> t.matches(labels));
    }

    /** Validates labels as an admin sets them on a host. */
    public static void requireValidLabels(Map<String, String> labels) {
        labels.forEach((k, v) -> {
            if (k == null || !KEY.matcher(k).matches()) {
                throw new IllegalArgumentException("label key '" + k + "': 1-63 letters, digits, '.', '_', '-', '/'");
            }
            if (v == null || !VALUE.matcher(v).matches()) {
                throw new IllegalArgumentException(
                        "label '" + k + "' value '" + v + "': up to 63 letters, digits, '.', '_', '-'");
            }
        });
    }

    @Override
    public String toString() {
        return String.join(",", terms.stream().map(Term::toString).toList());
    }
}
