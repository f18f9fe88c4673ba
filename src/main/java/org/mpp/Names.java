package org.mpp;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * File names as MPP checks and shows them. Names come from uploaders and from database rows anyone may edit, so they
 * are shown with their control characters escaped (a name must not be able to rewrite a terminal line or forge a log
 * line) and checked before they become paths. Stateless; thread-safe.
 */
public final class Names {
    /** The longest file name (one path component) Linux file systems take, in bytes ({@code NAME_MAX}). */
    public static final int NAME_MAX_BYTES = 255;

    private Names() {
    }

    /**
     * {@code s} with every control character escaped: {@code \n}, {@code \r}, {@code \t} as such, other C0 and C1
     * controls and DEL as {@code \xNN}, and the invisible characters that reorder or split what a terminal shows
     * (bidirectional overrides and isolates, line and paragraph separators) as {@code \}{@code uNNNN}. Everything else,
     * other scripts included, is kept. Null stays null.
     */
    public static String printable(String s) {
        if (s == null) {
            return null;
        }
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String escaped = escape(c);
            if (escaped != null && out == null) {
                out = new StringBuilder(s.length() + 8).append(s, 0, i);
            }
            if (out != null) {
                out.append(escaped != null ? escaped : String.valueOf(c));
            }
        }
        return out == null ? s : out.toString();
    }

    private static String escape(char c) {
        switch (c) {
            case '\n':
                return "\\n";
            case '\r':
                return "\\r";
            case '\t':
                return "\\t";
            default:
                break;
        }
        if (Character.getType(c) == Character.CONTROL) {
            return String.format(Locale.ROOT, "\\x%02x", (int) c);
        }
        if (c == '\u2028' || c == '\u2029' || c == '\u200e' || c == '\u200f' || c >= '\u202a' && c <= '\u202e'
                || c >= '\u2066' && c <= '\u2069') {
            return String.format(Locale.ROOT, "\\u%04x", (int) c);
        }
        return null;
    }

    /** True when {@code s} holds a character {@link #printable} escapes. */
    public static boolean hasControl(String s) {
        return !printable(s).equals(s);
    }

    /** The length of {@code s} in UTF-8 bytes, which is what {@link #NAME_MAX_BYTES} counts. */
    public static int utf8Length(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    /**
     * True when {@code name} is one plain file name: not empty, not {@code .} or {@code ..}, no {@code /}, {@code \} or
     * NUL, no control character, at most {@link #NAME_MAX_BYTES} bytes. Such a name resolved against a folder stays in
     * that folder.
     */
    public static boolean isPlainFileName(String name) {
        return name != null && !name.isEmpty() && !name.equals(".") && !name.equals("..") && name.indexOf('/') < 0
                && name.indexOf('\\') < 0 && name.indexOf('\0') < 0 && !hasControl(name) && utf8Length(name) <= NAME_MAX_BYTES;
    }
}
