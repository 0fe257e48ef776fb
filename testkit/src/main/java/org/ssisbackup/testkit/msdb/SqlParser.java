package org.ssisbackup.testkit.msdb;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The stand-in's T-SQL tokens and a cursor over them: the parsing half of {@link StandInSql}. */
final class SqlParser {

    enum Kind {
        WORD,
        PARAM,
        SYSVAR,
        NUMBER,
        STRING,
        PUNCT
    }

    record Token(Kind kind, String text) {
        boolean isWord() {
            return kind == Kind.WORD;
        }

        String unquoted() {
            return text;
        }
    }

    private static final java.util.Set<String> KEYWORDS = java.util.Set.of(
            "FROM", "WHERE", "AND", "ORDER", "BY", "AS", "ASC", "DESC", "IS", "NOT", "NULL", "SELECT", "EXEC",
            "EXECUTE", "SET", "OUTPUT", "BACKUP", "RESTORE", "WITH");

    static boolean isKeyword(String word) {
        return KEYWORDS.contains(word.toUpperCase(Locale.ROOT));
    }

    static List<Token> tokenize(String sql) {
        List<Token> out = new ArrayList<>();
        int i = 0;
        int n = sql.length();
        while (i < n) {
            char ch = sql.charAt(i);
            if (Character.isWhitespace(ch)) {
                i++;
            } else if (ch == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                while (i < n && sql.charAt(i) != '\n') i++;
            } else if (ch == '\'' || ((ch == 'N' || ch == 'n') && i + 1 < n && sql.charAt(i + 1) == '\'')) {
                if (ch != '\'') i++;
                StringBuilder sb = new StringBuilder();
                i++;
                while (true) {
                    if (i >= n)
                        throw new StandInSqlException(
                                105, "Unclosed quotation mark after the character string '" + sb + "'.");
                    char s = sql.charAt(i++);
                    if (s == '\'') {
                        if (i < n && sql.charAt(i) == '\'') {
                            sb.append('\'');
                            i++;
                        } else {
                            break;
                        }
                    } else {
                        sb.append(s);
                    }
                }
                out.add(new Token(Kind.STRING, sb.toString()));
            } else if (ch == '@') {
                int start = i;
                i++;
                if (i < n && sql.charAt(i) == '@') i++;
                while (i < n && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '_')) i++;
                String text = sql.substring(start, i);
                out.add(new Token(text.startsWith("@@") ? Kind.SYSVAR : Kind.PARAM, text));
            } else if (Character.isDigit(ch)) {
                int start = i;
                if (ch == '0' && i + 1 < n && (sql.charAt(i + 1) == 'x' || sql.charAt(i + 1) == 'X')) {
                    i += 2;
                    while (i < n && Character.digit(sql.charAt(i), 16) >= 0) i++;
                    out.add(new Token(Kind.WORD, sql.substring(start, i)));
                } else {
                    while (i < n && Character.isDigit(sql.charAt(i))) i++;
                    out.add(new Token(Kind.NUMBER, sql.substring(start, i)));
                }
            } else if (Character.isLetter(ch) || ch == '_' || ch == '[' || ch == '#') {
                // A possibly qualified, possibly bracketed name: [msdb].[dbo].[sysssispackages]
                StringBuilder sb = new StringBuilder();
                while (i < n) {
                    char w = sql.charAt(i);
                    if (w == '[') {
                        int close = sql.indexOf(']', i);
                        if (close < 0)
                            throw new StandInSqlException(105, "Unclosed bracket in '" + sql.substring(i) + "'");
                        sb.append(sql, i + 1, close);
                        i = close + 1;
                    } else if (Character.isLetterOrDigit(w) || w == '_' || w == '#' || w == '$') {
                        sb.append(w);
                        i++;
                    } else if (w == '.') {
                        sb.append('.');
                        i++;
                    } else {
                        break;
                    }
                }
                out.add(new Token(Kind.WORD, sb.toString()));
            } else if (ch == '<' && i + 1 < n && sql.charAt(i + 1) == '>') {
                out.add(new Token(Kind.PUNCT, "<>"));
                i += 2;
            } else if ("(),=*;".indexOf(ch) >= 0) {
                out.add(new Token(Kind.PUNCT, String.valueOf(ch)));
                i++;
            } else {
                throw new StandInSqlException(102, "Incorrect syntax near '" + ch + "'.");
            }
        }
        return out;
    }

    static String simpleName(String qualified) {
        return lastPart(qualified).toLowerCase(Locale.ROOT);
    }

    static String lastPart(String qualified) {
        int dot = qualified.lastIndexOf('.');
        return dot < 0 ? qualified : qualified.substring(dot + 1);
    }

    static StandInSqlException syntax(Token t) {
        return new StandInSqlException(102, "Incorrect syntax near '" + (t == null ? "end of batch" : t.text) + "'.");
    }

    static final class Cursor {
        private final List<Token> tokens;
        private final Map<String, Object> params;
        private int pos;

        Cursor(List<Token> tokens, Map<String, Object> params) {
            this.tokens = tokens;
            this.params = params;
        }

        boolean atEnd() {
            return pos >= tokens.size();
        }

        Token peek() {
            return atEnd() ? null : tokens.get(pos);
        }

        boolean peekIs(String punct) {
            Token t = peek();
            return t != null && t.kind == Kind.PUNCT && t.text.equals(punct);
        }

        Token next() {
            if (atEnd()) throw syntax(null);
            return tokens.get(pos++);
        }

        boolean accept(String punct) {
            if (peekIs(punct)) {
                pos++;
                return true;
            }
            return false;
        }

        void expect(String punct) {
            if (!accept(punct)) throw syntax(peek());
        }

        boolean acceptKeyword(String kw) {
            Token t = peek();
            if (t != null && t.kind == Kind.WORD && t.text.equalsIgnoreCase(kw)) {
                pos++;
                return true;
            }
            return false;
        }

        void expectKeyword(String kw) {
            if (!acceptKeyword(kw)) throw syntax(peek());
        }

        String stringOrParam() {
            Token t = next();
            return switch (t.kind) {
                case STRING -> t.text;
                case PARAM -> String.valueOf(param(t.text));
                default -> throw syntax(t);
            };
        }

        String identifier() {
            Token t = next();
            if (t.kind != Kind.WORD) throw syntax(t);
            return t.text;
        }

        Object param(String name) {
            String key = name.toLowerCase(Locale.ROOT);
            if (!params.containsKey(key)) {
                throw new StandInSqlException(137, "Must declare the scalar variable \"" + name + "\".");
            }
            return params.get(key);
        }
    }

    private SqlParser() {}
}
