package io.safelock.demo.story;

import io.safelock.demo.story.Report.Verdict;
import java.util.List;

/** One shared Redis counter per mode, incremented by workers in every counter replica at once. */
final class CounterChapter {

    static final int WORKERS = 8;
    static final int PER_WORKER = 25;
    /** Pause between read and write: the race window of unsafe, the time the lock is held in locked. */
    static final int THINK_MS = 2;

    private static final List<String> MODES = List.of("unsafe", "locked", "queued", "atomic", "fair");
    /**
     * The fair lock hands over more slowly (a waiter that is not at the head of the line polls with backoff),
     * so its run is smaller: enough grants from both replicas to check their order, a few seconds long.
     */
    static final int FAIR_WORKERS = 4;
    static final int FAIR_PER_WORKER = 10;
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
            int workers = mode.equals("fair") ? FAIR_WORKERS : WORKERS;
            int perWorker = mode.equals("fair") ? FAIR_PER_WORKER : PER_WORKER;
            progress.step(id, "counter '" + counter + "': " + replicas + " replicas x " + workers + " workers x " + perWorker
                    + " increments, mode " + mode + describe(mode));
            counters.reset(counter);
            long t0 = System.nanoTime();
            Counters.Race race = counters.race(counter, mode, workers, perWorker, THINK_MS);
            progress.detail(String.format("expected +%d, counter moved +%d, lost %d, refused %d (%.1f s)", race.expected(), race.actual(),
                    race.lost(), race.failed(), (System.nanoTime() - t0) / 1e9));
            boolean fair = mode.equals("fair");
            if (fair) {
                progress.detail(String.format("FIFO check: %d grants across the replicas, %d served before an earlier arrival",
                        race.fifoGrants(), race.fifoInversions()));
            }
            Verdict verdict = mode.equals("unsafe")
                    ? (race.lost() > 0 ? Verdict.RACE : Verdict.FAIL)
                    : (race.lost() == 0 && race.failed() == 0 && race.completed() && race.actual() == race.attempted()
                            && (!fair || race.fifoInOrder()) ? Verdict.PASS : Verdict.FAIL);
            report.add(id, "counter " + mode + describe(mode) + ", " + replicas + "x" + workers + "x" + perWorker,
                    "+" + race.attempted() + (fair ? ", FIFO order" : ""),
                    "+" + race.actual() + ", lost " + race.lost() + (race.failed() > 0 ? ", refused " + race.failed() : "")
                            + (fair ? ", " + race.fifoInversions() + " of " + race.fifoGrants() + " grants out of order" : ""),
                    verdict);
        }
    }

    private static String describe(String mode) {
        return switch (mode) {
            case "unsafe" -> " (" + HOW + ", no lock)";
            case "locked" -> " (" + HOW + " in Redlock)";
            case "queued" -> " (FIFO queue)";
            case "fair" -> " (" + HOW + " in a fair lock)";
            default -> " (INCRBY)";
        };
    }
}
