package org.mpp.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The figures of one benchmark run: rows of (section, metric, value, unit), some with a target and a verdict, plus
 * free-text notes. Printed as a table and written as JSON. Thread-safe.
 */
final class Report {
    /** One figure. {@code target} is a readable bound such as "<= 1.05" (null when the figure has none). */
    record Row(String section, String metric, double value, String unit, String target, Boolean met, String note) {
    }

    private final List<Row> rows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final Map<String, Object> environment = new LinkedHashMap<>();

    synchronized void add(String section, String metric, double value, String unit) {
        add(new Row(section, metric, value, unit, null, null, null));
    }

    synchronized void add(String section, String metric, double value, String unit, String note) {
        add(new Row(section, metric, value, unit, null, null, note));
    }

    /** A figure with a target: {@code met} says whether the value satisfies it. */
    synchronized void target(String section, String metric, double value, String unit, String target, boolean met) {
        add(new Row(section, metric, value, unit, target, met, null));
    }

    synchronized void add(Row row) {
        rows.add(row);
        System.out.printf(Locale.ROOT, "[bench] %s | %s = %s %s%s%n", row.section(), row.metric(), format(row.value()), row.unit(),
                row.target() == null ? "" : "  (target " + row.target() + ": " + (row.met() ? "met" : "NOT met") + ")");
    }

    synchronized void note(String section, String text) {
        notes.add(section + ": " + text);
        System.out.println("[bench] " + section + ": " + text);
    }

    synchronized void environment(String key, Object value) {
        environment.put(key, value);
    }

    synchronized List<Row> rows() {
        return List.copyOf(rows);
    }

    synchronized void print(PrintStream out) {
        out.println();
        out.println("| Section | Metric | Value | Unit | Target | Met |");
        out.println("|---|---|---:|---|---|---|");
        for (Row r : rows) {
            out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s | %s |%n", r.section(), r.metric(), format(r.value()), r.unit(),
                    r.target() == null ? "" : r.target(), r.met() == null ? "" : r.met() ? "yes" : "**no**");
        }
        if (!notes.isEmpty()) {
            out.println();
            notes.forEach(n -> out.println("- " + n));
        }
    }

    synchronized void write(Path file) throws IOException {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("environment", environment);
        doc.put("rows", rows);
        doc.put("notes", notes);
        Files.createDirectories(file.toAbsolutePath().getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), doc);
    }

    static String format(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return String.format(Locale.ROOT, "%d", (long) v);
        }
        return String.format(Locale.ROOT, Math.abs(v) >= 100 ? "%.1f" : Math.abs(v) >= 1 ? "%.3f" : "%.4f", v);
    }
}
