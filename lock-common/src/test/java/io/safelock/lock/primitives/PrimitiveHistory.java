package io.safelock.lock.primitives;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Every hold of a primitive from any number of processes on this machine, in wall-clock microseconds,
 * and the checks: never a writer with anyone, never more than N permits, each slot's holders one at a
 * time with rising fencing tokens, fair-lock grants in ticket order, tickets in arrival order.
 */
final class PrimitiveHistory {

    /** side: r, w (read/write lock), s (semaphore), f (fair lock). */
    record Hold(String side, SortedMap<Integer, Long> fences, long startMicros, long endMicros, String holder, long ticket, long calledMicros,
                boolean validAtEnd) {

        static Hold parse(String line) {
            String[] p = line.trim().split(" ");
            SortedMap<Integer, Long> fences = new TreeMap<>();
            for (String pair : p[1].split(",")) {
                String[] kv = pair.split("=");
                fences.put(Integer.parseInt(kv[0]), Long.parseLong(kv[1]));
            }
            return new Hold(p[0], fences, Long.parseLong(p[2]), Long.parseLong(p[3]), p[4], Long.parseLong(p[5]), Long.parseLong(p[6]),
                    p[7].equals("1"));
        }

        String format() {
            StringBuilder f = new StringBuilder();
            fences.forEach((slot, token) -> f.append(f.isEmpty() ? "" : ",").append(slot).append('=').append(token));
            return side + " " + f + " " + startMicros + " " + endMicros + " " + holder + " " + ticket + " " + calledMicros + " " + (validAtEnd ? 1 : 0);
        }

        long token() {
            return fences.values().stream().mapToLong(Long::longValue).max().orElseThrow();
        }

        boolean overlaps(Hold other) {
            return startMicros < other.endMicros && other.startMicros < endMicros;
        }
    }

    private final List<Hold> holds = new ArrayList<>();

    static long nowMicros() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000;
    }

    private List<Hold> valid() {
        return holds.stream().filter(Hold::validAtEnd).toList();
    }

    void add(Hold hold) {
        holds.add(hold);
    }

    int size() {
        return holds.size();
    }

    List<Hold> holds() {
        return holds;
    }

    /** Read/write lock: a writer overlaps nobody; tokens rise from every excluded hold to the next. */
    List<String> readWriteViolations() {
        List<String> problems = new ArrayList<>();
        List<Hold> byStart = sortedByStart();
        for (Hold w : byStart) {
            if (!w.side().equals("w")) {
                continue;
            }
            for (Hold other : byStart) {
                if (other != w && other.overlaps(w)) {
                    problems.add("writer with another holder: " + w + " and " + other);
                }
            }
        }
        for (Hold later : byStart) {
            for (Hold earlier : byStart) {
                boolean excluded = later.side().equals("w") || earlier.side().equals("w");
                if (excluded && earlier.endMicros() <= later.startMicros() && earlier.token() >= later.token()) {
                    problems.add("fencing token not above an earlier excluded holder: " + earlier + " then " + later);
                }
            }
        }
        return problems;
    }

    /** Semaphore: never more than {@code permits} held; each slot held by one at a time, tokens rising per slot. */
    List<String> semaphoreViolations(int permits) {
        List<String> problems = new ArrayList<>();
        List<long[]> events = new ArrayList<>(); // time, delta
        for (Hold h : valid()) {
            events.add(new long[] {h.startMicros(), h.fences().size()});
            events.add(new long[] {h.endMicros(), -h.fences().size()});
        }
        events.sort(Comparator.<long[]>comparingLong(e -> e[0]).thenComparingLong(e -> e[1])); // ends before starts at the same instant
        long inUse = 0;
        for (long[] e : events) {
            inUse += e[1];
            if (inUse > permits) {
                problems.add(inUse + " permits in use at " + e[0] + " (only " + permits + ")");
            }
        }
        Map<Integer, List<Hold>> bySlot = new TreeMap<>();
        for (Hold h : valid()) {
            h.fences().keySet().forEach(slot -> bySlot.computeIfAbsent(slot, s -> new ArrayList<>()).add(h));
        }
        bySlot.forEach((slot, slotHolds) -> {
            slotHolds.sort(Comparator.comparingLong(Hold::startMicros));
            for (int i = 1; i < slotHolds.size(); i++) {
                Hold before = slotHolds.get(i - 1);
                Hold after = slotHolds.get(i);
                if (slot >= permits) {
                    problems.add("slot " + slot + " outside 0.." + (permits - 1));
                }
                if (after.overlaps(before)) {
                    problems.add("slot " + slot + " held twice: " + before + " and " + after);
                }
                if (after.fences().get(slot) <= before.fences().get(slot)) {
                    problems.add("slot " + slot + " fencing token not increasing: " + before + " then " + after);
                }
            }
        });
        return problems;
    }

    /**
     * Fair lock: holds one at a time with rising fencing tokens; granted in ticket order; and a caller
     * that called after another was already granted has the higher ticket (tickets follow arrival).
     */
    List<String> fairViolations() {
        List<String> problems = new ArrayList<>();
        List<Hold> byStart = sortedByStart();
        for (int i = 1; i < byStart.size(); i++) {
            Hold before = byStart.get(i - 1);
            Hold after = byStart.get(i);
            if (after.overlaps(before)) {
                problems.add("overlap: " + before + " and " + after);
            }
            if (after.token() <= before.token()) {
                problems.add("fencing token not increasing: " + before + " then " + after);
            }
            // equal tickets come only from concurrent arrivals (neither took its ticket before the other began);
            // the nodes order those by waiter id, and either order is first come, first served
            if (after.ticket() < before.ticket()) {
                problems.add("granted out of ticket order: " + before + " then " + after);
            }
        }
        for (Hold a : byStart) {
            for (Hold b : byStart) {
                if (a.calledMicros() > b.startMicros() && a.ticket() <= b.ticket()) {
                    problems.add("ticket not in arrival order: " + a + " called after " + b + " was granted");
                }
            }
        }
        return problems;
    }

    /** Holds whose lease had run out by their end (the holder was stalled past its TTL) promise nothing. */
    long expiredHolds() {
        return holds.stream().filter(h -> !h.validAtEnd()).count();
    }

    private List<Hold> sortedByStart() {
        List<Hold> sorted = new ArrayList<>(valid());
        sorted.sort(Comparator.comparingLong(Hold::startMicros));
        return sorted;
    }
}
