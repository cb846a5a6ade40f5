package io.safelock.demo.story;

import io.safelock.demo.story.Report.Verdict;
import java.util.List;

/** One shared Redis counter per mode, incremented by workers in every counter replica at once. */
final class CounterChapter {

    static final int WORKERS = 8;
    static final int PER_WORKER = 25;
    /** Pause between read and write: the race window of unsafe, the time the lock is held in locked. */
    static final int THINK_MS = 2;

    private static final List<String> MODES = List.of("unsafe", "locked", "queued", "atomic");
    private static final String HOW = "GET, 2 ms, SET";

    private final Counters counters;
    private final Report report;
    private final Progress progress;

    CounterChapter(Counters counters, Report report, Progress progress) {
        this.counters = counters;
        this.report = report;
        this.progress = progress;
    }

    void run() throws Exception {
        int replicas = counters.replicas().size();
        int step = 1;
        for (String mode : MODES) {
            String counter = "demo-" + mode;
            String id = "C" + step++;
            progress.step(id, "counter '" + counter + "': " + replicas + " replicas x " + WORKERS + " workers x " + PER_WORKER
                    + " increments, mode " + mode + describe(mode));
            counters.reset(counter);
            long t0 = System.nanoTime();
            Counters.Race race = counters.race(counter, mode, WORKERS, PER_WORKER, THINK_MS);
            progress.detail(String.format("expected +%d, counter moved +%d, lost %d, refused %d (%.1f s)", race.expected(), race.actual(),
                    race.lost(), race.failed(), (System.nanoTime() - t0) / 1e9));
            Verdict verdict = mode.equals("unsafe")
                    ? (race.lost() > 0 ? Verdict.RACE : Verdict.FAIL)
                    : (race.lost() == 0 && race.failed() == 0 && race.completed() && race.actual() == race.attempted() ? Verdict.PASS : Verdict.FAIL);
            report.add(id, "counter " + mode + describe(mode) + ", " + replicas + "x" + WORKERS + "x" + PER_WORKER,
                    "+" + race.attempted(), "+" + race.actual() + ", lost " + race.lost() + (race.failed() > 0 ? ", refused " + race.failed() : ""),
                    verdict);
        }
    }

    private static String describe(String mode) {
        return switch (mode) {
            case "unsafe" -> " (" + HOW + ", no lock)";
            case "locked" -> " (" + HOW + " in Redlock)";
            case "queued" -> " (FIFO queue)";
            default -> " (INCRBY)";
        };
    }
}
