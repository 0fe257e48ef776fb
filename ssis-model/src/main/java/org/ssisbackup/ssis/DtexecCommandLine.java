package org.ssisbackup.ssis;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A dtexec command line as SQL Server Agent stores it in a job step (subsystem SSIS: the arguments alone; CmdExec:
 * {@code dtexec.exe} or its full path, then the arguments), read with dtexec's own grammar:
 * <ul>
 *   <li>arguments split as the Microsoft C runtime splits a Windows command line: whitespace outside quotes separates;
 *       {@code "} opens and closes quoting; {@code 2n} backslashes before a quote are {@code n} backslashes and the
 *       quote is a delimiter, {@code 2n+1} are {@code n} backslashes and a literal quote; other backslashes are
 *       literal (so {@code \\server\share} needs no escaping). Agent's {@code /FILE "\"D:\ETL\Load.dtsx\""} is the
 *       value {@code "D:\ETL\Load.dtsx"}, whose own quotes dtexec strips;</li>
 *   <li>options start with {@code /} or {@code -}, in any case, and may be abbreviated down to the shortest form
 *       dtexec documents ({@code /F}, {@code /CONF}, {@code /DE}, {@code /SQ}, {@code /SER}, {@code /IS}).</li>
 * </ul>
 * A command line that dtexec would refuse (an unknown option, a missing value, an unclosed quote) is an
 * {@link IllegalArgumentException} naming the problem but never echoing the arguments (they may hold passwords).
 */
public final class DtexecCommandLine {
    /** The most characters read: Agent's step command is nvarchar(max), a dtexec line is a few hundred. */
    public static final int MAX_LENGTH = 32_768;

    /** An option of dtexec: its full name, the shortest abbreviation accepted, whether it takes a value. */
    public enum Option {
        HELP_SHORT("?", "?", false),
        CALLER_INFO("CallerInfo", "Ca", true),
        CHECK_FILE("CheckFile", "CheckF", true),
        CHECKPOINTING("Checkpointing", "Checkp", true),
        COMMAND_FILE("CommandFile", "Com", true),
        CONFIG_FILE("ConfigFile", "Conf", true),
        CONNECTION("Connection", "Conn", true),
        CONSOLE_LOG("ConsoleLog", "Cons", false),
        DTS("Dts", "D", true),
        DECRYPT("Decrypt", "De", true),
        DUMP("Dump", "Dump", true),
        DUMP_ON_ERROR("DumpOnError", "DumpOnError", false),
        ENV_REFERENCE("EnvReference", "Env", true),
        FILE("File", "F", true),
        HELP("Help", "H", false),
        IS_SERVER("ISServer", "IS", true),
        LOGGER("Logger", "L", true),
        MAX_CONCURRENT("MaxConcurrent", "M", true),
        PACKAGE("Package", "Pack", true),
        PASSWORD("Password", "P", true),
        PARAMETER("Parameter", "Par", true),
        PROJECT("Project", "Proj", true),
        REM("Rem", "Rem", true),
        REPORTING("Reporting", "Rep", true),
        RESTART("Restart", "Res", false),
        SET("Set", "Set", true),
        SERVER("Server", "Ser", true),
        SQL("SQL", "SQ", true),
        SUM("Sum", "Su", false),
        USER("User", "U", true),
        VALIDATE("Validate", "Va", false),
        VERIFY_BUILD("VerifyBuild", "VerifyB", true),
        VERIFY_PACKAGE_ID("VerifyPackageId", "VerifyP", true),
        VERIFY_SIGNED("VerifySigned", "VerifyS", false),
        VERIFY_VERSION_ID("VerifyVersionId", "VerifyV", true),
        VLOG("VLog", "VLog", false),
        WARN_AS_ERROR("WarnAsError", "W", false),
        X86("X86", "X86", false);

        private final String fullName;
        private final String shortest;
        private final boolean takesValue;

        Option(String fullName, String shortest, boolean takesValue) {
            this.fullName = fullName.toLowerCase(Locale.ROOT);
            this.shortest = shortest.toLowerCase(Locale.ROOT);
            this.takesValue = takesValue;
        }

        /** How the option is written in the documentation (and in redacted command lines). */
        public String displayName() {
            return "/" + name().charAt(0) + fullName.substring(1);
        }

        /** Whether its value must never be logged, shown or kept outside encrypted storage. */
        public boolean secretValue() {
            return this == DECRYPT || this == PASSWORD || this == SET || this == CONNECTION || this == PARAMETER;
        }

        boolean accepts(String written) {
            return written.startsWith(shortest) && fullName.startsWith(written);
        }

        static Option of(String written) {
            String w = written.toLowerCase(Locale.ROOT);
            Option found = null;
            for (Option o : values()) {
                // Several may accept a prefix (/P: Password; /Pack: Package): the longest documented abbreviation wins.
                if (o.accepts(w) && (found == null || o.shortest.length() > found.shortest.length())) {
                    found = o;
                }
            }
            if (found == null) {
                throw new IllegalArgumentException("dtexec has no option /" + printable(written));
            }
            return found;
        }
    }

    /** One option as written, with its value (dtexec's quotes around the value removed), or null. */
    public record Argument(Option option, String value) {}

    private final List<Argument> arguments;

    private DtexecCommandLine(List<Argument> arguments) {
        this.arguments = List.copyOf(arguments);
    }

    /** Reads a job step's command: dtexec's arguments, optionally after the dtexec executable itself. */
    public static DtexecCommandLine parse(String command) {
        if (command == null) {
            throw new IllegalArgumentException("no command");
        }
        if (command.length() > MAX_LENGTH) {
            throw new IllegalArgumentException(
                    "a command of " + command.length() + " characters (at most " + MAX_LENGTH + ")");
        }
        List<String> words = split(command);
        int i = 0;
        if (!words.isEmpty() && isDtexec(words.get(0))) {
            i = 1;
        }
        List<Argument> arguments = new ArrayList<>();
        for (; i < words.size(); i++) {
            String w = words.get(i);
            if (w.length() < 2 || (w.charAt(0) != '/' && w.charAt(0) != '-')) {
                throw new IllegalArgumentException("argument " + (i + 1) + " is not a dtexec option");
            }
            Option option = Option.of(w.substring(1));
            String value = null;
            if (option.takesValue) {
                boolean optional = option == Option.CHECKPOINTING || option == Option.CHECK_FILE;
                if (i + 1 < words.size() && !(optional && looksLikeOption(words.get(i + 1)))) {
                    value = unquote(words.get(++i));
                } else if (!optional) {
                    throw new IllegalArgumentException(option.displayName() + " needs a value");
                }
            } else if ((option == Option.RESTART || option == Option.CONSOLE_LOG || option == Option.VLOG)
                    && i + 1 < words.size()
                    && !looksLikeOption(words.get(i + 1))) {
                value = unquote(words.get(++i));
            }
            arguments.add(new Argument(option, value));
        }
        return new DtexecCommandLine(arguments);
    }

    /** Whether a CmdExec step's command runs dtexec: its first word is dtexec or dtexec.exe, with or without a path. */
    public static boolean runsDtexec(String cmdExecCommand) {
        if (cmdExecCommand == null || cmdExecCommand.isBlank() || cmdExecCommand.length() > MAX_LENGTH) {
            return false;
        }
        try {
            List<String> words = split(cmdExecCommand);
            return !words.isEmpty() && isDtexec(words.get(0));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static boolean isDtexec(String word) {
        String w = word.toLowerCase(Locale.ROOT);
        int slash = Math.max(w.lastIndexOf('\\'), w.lastIndexOf('/'));
        String name = w.substring(slash + 1);
        return name.equals("dtexec") || name.equals("dtexec.exe");
    }

    private static boolean looksLikeOption(String word) {
        return word.startsWith("/") || (word.startsWith("-") && word.length() > 1);
    }

    /** The Microsoft C runtime's splitting of a command line (CommandLineToArgvW's rules for arguments). */
    static List<String> split(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        boolean quoted = false;
        int n = line.length();
        for (int i = 0; i < n; i++) {
            char ch = line.charAt(i);
            if (ch == '\\') {
                int run = 0;
                while (i < n && line.charAt(i) == '\\') {
                    run++;
                    i++;
                }
                if (i < n && line.charAt(i) == '"') {
                    word.append("\\".repeat(run / 2));
                    if (run % 2 == 1) {
                        word.append('"');
                    } else {
                        quoted = !quoted;
                    }
                } else {
                    word.append("\\".repeat(run));
                    i--;
                }
                inWord = true;
            } else if (ch == '"') {
                quoted = !quoted;
                inWord = true;
            } else if (!quoted && Character.isWhitespace(ch)) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else {
                word.append(ch);
                inWord = true;
            }
        }
        if (quoted) {
            throw new IllegalArgumentException("a quote is not closed");
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }

    /** dtexec strips one pair of quotes that a value still carries after splitting ({@code "\"D:\x.dtsx\""}). */
    private static String unquote(String value) {
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
            return value.substring(1, value.length() - 1);
        }
        return value;
    }

    public List<Argument> arguments() {
        return arguments;
    }

    /** The value of the first occurrence of an option. */
    public Optional<String> value(Option option) {
        return arguments.stream()
                .filter(a -> a.option() == option && a.value() != null)
                .map(Argument::value)
                .findFirst();
    }

    /** The values of every occurrence of an option, in order (dtexec takes /CONFIGFILE several times). */
    public List<String> values(Option option) {
        return arguments.stream()
                .filter(a -> a.option() == option && a.value() != null)
                .map(Argument::value)
                .toList();
    }

    /** The package file a /FILE runs. */
    public Optional<String> packageFile() {
        return value(Option.FILE);
    }

    /** The msdb package path a /SQL runs ({@code \ETL\Load}), on {@link #server()}. */
    public Optional<String> msdbPackage() {
        return value(Option.SQL);
    }

    /** The SSIS package store path a /DTS runs ({@code \File System\ETL\Load} or {@code \MSDB\ETL\Load}). */
    public Optional<String> storePackage() {
        return value(Option.DTS);
    }

    /** The SSISDB catalog package an /ISSERVER runs ({@code \SSISDB\Folder\Project\Package.dtsx}). */
    public Optional<String> catalogPackage() {
        return value(Option.IS_SERVER);
    }

    /** The server named by /SERVER (the local default instance when absent). */
    public Optional<String> server() {
        return value(Option.SERVER);
    }

    /** Configuration files loaded by /CONFIGFILE, in order. */
    public List<String> configFiles() {
        return values(Option.CONFIG_FILE);
    }

    /** The command line with every secret value (/DECRYPT, /PASSWORD, /SET, /CONNECTION, /PARAMETER) masked. */
    public String redacted() {
        StringBuilder sb = new StringBuilder();
        for (Argument a : arguments) {
            if (!sb.isEmpty()) {
                sb.append(' ');
            }
            sb.append(a.option().displayName());
            if (a.value() != null) {
                sb.append(' ').append(a.option().secretValue() ? "********" : quoteIfNeeded(a.value()));
            }
        }
        return sb.toString();
    }

    private static String quoteIfNeeded(String value) {
        return value.isEmpty() || value.chars().anyMatch(Character::isWhitespace) ? "\"" + value + "\"" : value;
    }

    private static String printable(String s) {
        String cut = s.length() > 20 ? s.substring(0, 20) + "..." : s;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }
}
