package io.safelock.lock;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Every hold of a lock as (fencing token, start, end) in wall-clock microseconds, from any number of
 * processes on this machine. {@link #violations()} finds overlapping holds and tokens that do not
 * increase in the order the holds happened.
 */
final class HoldHistory {

    record Hold(long fencingToken, long startMicros, long endMicros, String holder) {
        static Hold parse(String line) {
            String[] parts = line.trim().split(" ");
            return new Hold(Long.parseLong(parts[0]), Long.parseLong(parts[1]), Long.parseLong(parts[2]), parts.length > 3 ? parts[3] : "?");
        }

        String format() {
            return fencingToken + " " + startMicros + " " + endMicros + " " + holder;
        }
    }

    private final List<Hold> holds = new ArrayList<>();

    static long nowMicros() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000;
    }

    synchronized void add(Hold hold) {
        holds.add(hold);
    }

    synchronized int size() {
        return holds.size();
    }

    synchronized List<String> violations() {
        List<Hold> byStart = new ArrayList<>(holds);
        byStart.sort(Comparator.comparingLong(Hold::startMicros));
        List<String> problems = new ArrayList<>();
        for (int i = 1; i < byStart.size(); i++) {
            Hold before = byStart.get(i - 1);
            Hold after = byStart.get(i);
            if (after.startMicros() < before.endMicros()) {
                problems.add("overlap: " + before + " and " + after);
            }
            if (after.fencingToken() <= before.fencingToken()) {
                problems.add("fencing token not increasing: " + before + " then " + after);
            }
        }
        return problems;
    }
}
