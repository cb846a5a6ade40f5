package io.safelock.demo.story;

import io.safelock.demo.http.Http;
import io.safelock.demo.http.Reply;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** The counter service's replicas: read, reset, increment, and race experiments run in every replica at once. */
final class Counters {

    private final Http http;
    private final List<String> replicas;

    Counters(Http http, List<String> replicas) {
        this.http = http;
        this.replicas = List.copyOf(replicas);
    }

    List<String> replicas() {
        return replicas;
    }

    long value(String counter) {
        Reply reply = http.get(replicas.get(0) + "/counters/" + counter);
        if (reply.status() != 200) {
            throw new IllegalStateException("GET /counters/" + counter + ": HTTP " + reply.status() + " " + reply.body());
        }
        return reply.number("value");
    }

    void reset(String counter) {
        Reply reply = http.post(replicas.get(0) + "/counters/" + counter + "/reset", "{}");
        if (reply.status() != 200) {
            throw new IllegalStateException("reset of counter " + counter + " failed: HTTP " + reply.status() + " " + reply.body());
        }
    }

    Reply increment(String replica, String counter, String mode) {
        return http.post(replica + "/counters/" + counter + "/increment", "{\"by\": 1, \"mode\": \"" + mode + "\"}");
    }

    /**
     * Sum of what every replica's experiment reports, and the counter's real movement. Fair mode: the FIFO
     * check of each replica (grants seen, the most seen by one replica; inversions, added up; in order = every
     * replica's check found none).
     */
    record Race(String mode, long attempted, long expected, long failed, long actual, boolean completed, long fifoGrants,
                long fifoInversions, boolean fifoInOrder) {
        long lost() {
            return Math.max(0, expected - actual);
        }
    }

    /** {@code POST /experiments/race} on every replica at the same time, on the same counter. */
    Race race(String counter, String mode, int workers, int perWorker, int thinkMs) throws Exception {
        long before = value(counter);
        String body = "{\"counter\": \"" + counter + "\", \"mode\": \"" + mode + "\", \"workers\": " + workers
                + ", \"incrementsPerWorker\": " + perWorker + ", \"thinkTimeMs\": " + thinkMs + "}";
        List<Future<Reply>> answers = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (String replica : replicas) {
                answers.add(threads.submit(() -> http.post(replica + "/experiments/race", body)));
            }
        }
        long expected = 0;
        long failed = 0;
        boolean completed = true;
        long fifoGrants = 0;
        long fifoInversions = 0;
        boolean fifoInOrder = true;
        for (Future<Reply> answer : answers) {
            Reply reply = answer.get();
            if (reply.status() != 200) {
                throw new IllegalStateException("race experiment failed: HTTP " + reply.status() + " " + reply.body());
            }
            expected += reply.number("expected");
            failed += reply.number("failed");
            completed &= Boolean.TRUE.equals(reply.json().get("completed"));
            if (reply.json().get("fifo") instanceof java.util.Map<?, ?> fifo) {
                fifoGrants = Math.max(fifoGrants, ((Number) fifo.get("grants")).longValue());
                fifoInversions += ((Number) fifo.get("inversions")).longValue();
                fifoInOrder &= Boolean.TRUE.equals(fifo.get("inOrder"));
            } else if (mode.equals("fair")) {
                fifoInOrder = false; // a fair run must report its check
            }
        }
        long attempted = (long) replicas.size() * workers * perWorker;
        return new Race(mode, attempted, expected, failed, value(counter) - before, completed, fifoGrants, fifoInversions, fifoInOrder);
    }
}
