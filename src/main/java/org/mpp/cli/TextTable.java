package org.mpp.cli;

import java.io.PrintStream;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import org.mpp.Names;

/** An aligned plain-text table: a header row, then one line per row, columns two spaces apart. Not thread-safe. */
final class TextTable {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private final List<String[]> rows = new ArrayList<>();
    private final int columns;

    TextTable(String... headers) {
        this.columns = headers.length;
        rows.add(headers);
    }

    /** Adds a row; null cells print as "-", control characters escaped ({@link Names#printable}: {@code \\n}, {@code \\x1b}, ...). */
    TextTable row(Object... cells) {
        if (cells.length != columns) {
            throw new IllegalArgumentException("a row of " + cells.length + " cells in a table of " + columns + " columns");
        }
        String[] text = new String[columns];
        for (int i = 0; i < columns; i++) {
            text[i] = cell(cells[i]);
        }
        rows.add(text);
        return this;
    }

    boolean isEmpty() {
        return rows.size() == 1;
    }

    void print(PrintStream out) {
        int[] width = new int[columns];
        for (String[] r : rows) {
            for (int i = 0; i < columns; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < columns; i++) {
                line.append(r[i]);
                if (i < columns - 1) {
                    line.append(" ".repeat(width[i] - r[i].length() + 2));
                }
            }
            out.println(line.toString().stripTrailing());
        }
    }

    /** Shortens {@code s} to {@code max} characters, ending with "..." when it was cut. */
    static String abbreviate(String s, int max) {
        if (s == null) {
            return null;
        }
        String one = s.replaceAll("\\s+", " ").strip();
        return one.length() <= max ? one : one.substring(0, max - 3) + "...";
    }

    private static String cell(Object o) {
        if (o == null) {
            return "-";
        }
        if (o instanceof LocalDateTime t) {
            return TIME.format(t);
        }
        if (o instanceof Boolean b) {
            return b ? "yes" : "no";
        }
        // Escaped, not replaced: a source name is shown as it is, and a name with a terminal escape or a line break
        // cannot redraw the operator's screen or fake a row.
        String s = Names.printable(o.toString());
        return s.isEmpty() ? "-" : s;
    }
}
