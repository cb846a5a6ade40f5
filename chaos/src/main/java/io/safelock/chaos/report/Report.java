package io.safelock.chaos.report;

import io.safelock.chaos.ScheduleResult;
import io.safelock.chaos.check.Checker;
import io.safelock.chaos.check.Verdict;
import io.safelock.chaos.history.Op;
import io.safelock.chaos.history.Outcome;
import java.util.List;
import java.util.Locale;

/** The table of a run: one row per schedule, a verdict per invariant; then every violation with its history excerpt. */
public final class Report {

    private Report() {
    }

    public static String markdown(List<ScheduleResult> results, String header) {
        StringBuilder out = new StringBuilder(header).append("\n\n");
        out.append("| Schedule | Ops | ok / failed / unknown |");
        Checker.INVARIANTS.forEach(i -> out.append(' ').append(i).append(" |"));
        out.append(" Available during fault | Recovery after heal |\n|---|---:|---|");
        Checker.INVARIANTS.forEach(i -> out.append("---|"));
        out.append("---:|---:|\n");
        for (ScheduleResult r : results) {
            out.append("| ").append(r.schedule().name()).append(" | ").append(r.history().size()).append(" | ")
                    .append(count(r, Outcome.OK)).append(" / ").append(count(r, Outcome.FAILED)).append(" / ")
                    .append(count(r, Outcome.UNKNOWN)).append(" |");
            for (Verdict v : r.verdicts()) {
                out.append(' ').append(v.holds() ? "holds" : r.schedule().guaranteed() ? "**VIOLATED**" : "violated (not guaranteed)").append(" |");
            }
            out.append(' ').append(Double.isNaN(r.availability()) ? "–" : String.format(Locale.ROOT, "%.0f %%", r.availability()))
                    .append(" | ").append(r.recoveryMs() < 0 ? "not within the run" : String.format(Locale.ROOT, "%.1f s", r.recoveryMs() / 1000.0))
                    .append(" |\n");
        }
        out.append("\nSchedules:\n\n");
        for (ScheduleResult r : results) {
            out.append("- `").append(r.schedule().name()).append("` (seed ").append(r.seed()).append("): ").append(r.schedule().description());
            if (!r.schedule().note().isEmpty()) {
                out.append(" — ").append(r.schedule().note());
            }
            if (!r.faultConfirmed()) {
                out.append(" — **fault not confirmed** (see below)");
            }
            out.append('\n');
            r.observations().forEach(line -> out.append("  - ").append(line).append('\n'));
        }
        for (ScheduleResult r : results) {
            for (Verdict v : r.verdicts()) {
                if (!v.holds()) {
                    out.append("\n### ").append(r.schedule().name()).append(": ").append(v.invariant()).append(" violated (seed ")
                            .append(r.seed()).append(")\n\n");
                    v.violations().forEach(line -> out.append("- ").append(line).append('\n'));
                    List<Op> excerpt = excerpt(r.history(), v);
                    if (!excerpt.isEmpty()) {
                        out.append("\nHistory excerpt (ops named above):\n\n```\n");
                        excerpt.forEach(op -> out.append(format(op)).append('\n'));
                        out.append("```\n");
                    }
                }
            }
        }
        return out.toString();
    }

    private static long count(ScheduleResult r, Outcome outcome) {
        return r.history().stream().filter(o -> o.outcome() == outcome).count();
    }

    private static List<Op> excerpt(List<Op> history, Verdict verdict) {
        String text = String.join(" ", verdict.violations());
        return history.stream().filter(op -> text.contains("op " + op.id() + " ") || text.contains("op " + op.id() + ")")
                || (op.key() != null && text.contains(op.key()))).limit(20).toList();
    }

    public static String format(Op op) {
        return String.format(Locale.ROOT, "op %d %s %s %s %s key=%s invoke=%dms complete=%dms %s token=%d result=%d (%s)",
                op.id(), op.worker(), op.replica(), op.kind(), op.target(), op.key(), op.invokeMs(), op.completeMs(), op.outcome(),
                op.fencingToken(), op.result(), op.detail());
    }
}
