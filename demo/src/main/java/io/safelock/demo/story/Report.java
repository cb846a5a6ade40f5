package io.safelock.demo.story;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** The table printed at the end: one row per step, with what was expected, what happened and a verdict. */
public final class Report {

    /**
     * PASS: the guarantee held. RACE: the unprotected variant lost data, which is what it is there to show.
     * FAIL: a guarantee did not hold (or the race did not show): the demo exits non-zero.
     */
    public enum Verdict { PASS, RACE, FAIL }

    public record Row(String step, String scenario, String expected, String actual, Verdict verdict) {
    }

    private final List<Row> rows = new ArrayList<>();

    public synchronized void add(String step, String scenario, String expected, String actual, Verdict verdict) {
        rows.add(new Row(step, scenario, expected, actual, verdict));
    }

    public synchronized boolean allPassed() {
        return rows.stream().noneMatch(r -> r.verdict() == Verdict.FAIL);
    }

    public synchronized List<Row> rows() {
        return List.copyOf(rows);
    }

    public synchronized void print(PrintStream out, String title) {
        String[] headers = {"step", "scenario", "expected", "actual", "verdict"};
        int[] widths = new int[headers.length];
        for (int i = 0; i < headers.length; i++) {
            widths[i] = headers[i].length();
        }
        for (Row row : rows) {
            String[] cells = cells(row);
            for (int i = 0; i < cells.length; i++) {
                widths[i] = Math.max(widths[i], cells[i].length());
            }
        }
        String rule = rule(widths);
        out.println();
        out.println(title);
        out.println(rule);
        out.println(line(headers, widths));
        out.println(rule);
        String section = null;
        for (Row row : rows) {
            String rowSection = row.step().replaceAll("[0-9]+$", "");
            if (section != null && !section.equals(rowSection)) {
                out.println(rule);
            }
            section = rowSection;
            out.println(line(cells(row), widths));
        }
        out.println(rule);
    }

    private static String[] cells(Row row) {
        return new String[] {row.step(), row.scenario(), row.expected(), row.actual(), row.verdict().name()};
    }

    private static String line(String[] cells, int[] widths) {
        StringBuilder out = new StringBuilder("|");
        for (int i = 0; i < cells.length; i++) {
            out.append(' ').append(cells[i]).append(" ".repeat(widths[i] - cells[i].length())).append(" |");
        }
        return out.toString();
    }

    private static String rule(int[] widths) {
        StringBuilder out = new StringBuilder("+");
        for (int width : widths) {
            out.append("-".repeat(width + 2)).append('+');
        }
        return out.toString();
    }
}
