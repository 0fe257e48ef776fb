package org.ssisbackup.contracts;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A glob over logical paths ({@code C:\ETL\*.dtsConfig}, {@code \ETL\**}), matched the same way on every agent and in
 * the API: '\' and '/' are both separators, names compare without case (as Windows and msdb do), {@code *} and
 * {@code ?} stay within one name, {@code **} crosses names, {@code [a-z]} / {@code [!a-z]} are classes and
 * {@code {a,b}} alternatives. A glob that cannot be read is refused with the reason when it is made.
 */
public final class LogicalPathGlob {
    static final int MAX_LENGTH = 1024;

    private final String glob;
    private final Pattern pattern;

    private LogicalPathGlob(String glob, Pattern pattern) {
        this.glob = glob;
        this.pattern = pattern;
    }

    public static LogicalPathGlob compile(String glob) {
        if (glob == null || glob.isEmpty()) {
            throw new IllegalArgumentException("an include glob is empty");
        }
        if (glob.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("an include glob is longer than " + MAX_LENGTH + " characters");
        }
        if (glob.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("include glob '" + printable(glob) + "' has a control character");
        }
        String g = glob.replace('\\', '/');
        StringBuilder re = new StringBuilder();
        boolean inGroup = false;
        for (int i = 0; i < g.length(); i++) {
            char c = g.charAt(i);
            switch (c) {
                case '*' -> {
                    if (i + 1 < g.length() && g.charAt(i + 1) == '*') {
                        re.append(".*");
                        i++;
                    } else {
                        re.append("[^/]*");
                    }
                }
                case '?' -> re.append("[^/]");
                case '[' -> {
                    int end = g.indexOf(']', i + 1);
                    if (end < 0 || end == i + 1) {
                        throw invalid(glob, "'[' without a closing ']'");
                    }
                    String body = g.substring(i + 1, end);
                    if (body.contains("/")) {
                        throw invalid(glob, "a '[...]' class holds a separator");
                    }
                    re.append('[');
                    int k = 0;
                    if (body.charAt(0) == '!') {
                        re.append('^');
                        k = 1;
                    }
                    for (; k < body.length(); k++) {
                        char b = body.charAt(k);
                        if (b == '-' && k > 0 && k < body.length() - 1) {
                            re.append('-');
                        } else if ("\\^[]-&".indexOf(b) >= 0) {
                            re.append('\\').append(b); // literal inside a regex class
                        } else {
                            re.append(b);
                        }
                    }
                    re.append(']');
                    i = end;
                }
                case '{' -> {
                    if (inGroup) {
                        throw invalid(glob, "'{' inside '{...}'");
                    }
                    inGroup = true;
                    re.append("(?:");
                }
                case '}' -> {
                    if (!inGroup) {
                        throw invalid(glob, "'}' without an opening '{'");
                    }
                    inGroup = false;
                    re.append(')');
                }
                case ',' -> re.append(inGroup ? "|" : ",");
                default -> re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        if (inGroup) {
            throw invalid(glob, "'{' without a closing '}'");
        }
        return new LogicalPathGlob(
                glob, Pattern.compile(re.toString(), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE));
    }

    /** Whether a logical path (either separator) matches. */
    public boolean matches(String logicalPath) {
        return pattern.matcher(logicalPath.replace('\\', '/')).matches();
    }

    @Override
    public String toString() {
        return glob;
    }

    private static IllegalArgumentException invalid(String glob, String why) {
        return new IllegalArgumentException("include glob '" + printable(glob) + "' is invalid: " + why);
    }

    static String printable(String s) {
        StringBuilder b = new StringBuilder();
        s.codePoints().limit(200).forEach(cp -> {
            if (Character.isISOControl(cp)) {
                b.append(String.format(Locale.ROOT, "\\u%04x", cp));
            } else {
                b.appendCodePoint(cp);
            }
        });
        return b.toString();
    }
}
