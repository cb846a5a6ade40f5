package io.safelock.chaos.workload;

import io.safelock.chaos.cluster.Cluster;
import io.safelock.chaos.history.History;
import io.safelock.chaos.history.Op;
import io.safelock.chaos.history.Outcome;
import io.safelock.demo.http.Http;
import io.safelock.demo.http.Reply;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Clients that buy a few hot products with small stock (with-lock and /buy) and increment counters
 * (locked and queued) through every replica, each logging every operation into the history: invoked,
 * then completed as acknowledged, refused, or unknown (no answer within the client timeout).
 * Each worker draws its operations from its own seeded random sequence.
 */
public final class Workload {

    /** Longer than the services' own waits (lock 2 s), shorter than a pause past the TTL: a paused replica's ops are unknown. */
    private static final java.time.Duration CLIENT_TIMEOUT = java.time.Duration.ofSeconds(4);

    private final Cluster cluster;
    private final History history;
    private final List<String> products;
    private final String lockedCounter;
    private final String queuedCounter;
    private final long seed;
    private final Http http = new Http(CLIENT_TIMEOUT);
    private final AtomicBoolean running = new AtomicBoolean();
    private final List<Thread> threads = new ArrayList<>();

    public Workload(Cluster cluster, History history, List<String> products, String lockedCounter, String queuedCounter, long seed) {
        this.cluster = cluster;
        this.history = history;
        this.products = products;
        this.lockedCounter = lockedCounter;
        this.queuedCounter = queuedCounter;
        this.seed = seed;
    }

    /** Milliseconds on the history's clock: the nemesis stamps what it observes with it. */
    public long now() {
        return history.now();
    }

    public void start(int workers) {
        running.set(true);
        for (int w = 0; w < workers; w++) {
            String worker = "w" + w;
            Random random = new Random(seed * 1_000 + w);
            threads.add(Thread.ofPlatform().daemon().name("chaos-" + worker).start(() -> loop(worker, random)));
        }
    }

    /** Stops the workers and waits until every operation in flight has completed (each is bounded by the client timeout). */
    public void stop() {
        running.set(false);
        for (Thread thread : threads) {
            try {
                thread.join(CLIENT_TIMEOUT.toMillis() * 3);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        threads.clear();
    }

    private void loop(String worker, Random random) {
        while (running.get()) {
            int dice = random.nextInt(100);
            String product = products.get(random.nextInt(products.size()));
            if (dice < 40) {
                purchase(worker, pick(cluster.inventory(), random), Op.Kind.PURCHASE_WITH_LOCK, product, -1);
            } else if (dice < 60) {
                purchase(worker, pick(cluster.inventory(), random), Op.Kind.BUY, product, -1);
            } else if (dice < 85) {
                increment(worker, pick(cluster.counter(), random), lockedCounter, "locked", 0);
            } else {
                increment(worker, pick(cluster.counter(), random), queuedCounter, "queued", 0);
            }
            try {
                Thread.sleep(10 + random.nextInt(20));
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static Cluster.Replica pick(List<Cluster.Replica> replicas, Random random) {
        return replicas.get(random.nextInt(replicas.size()));
    }

    /**
     * One purchase of one unit. {@code delayMs} ≥ 0 holds the lock that long before writing (a stalled holder).
     */
    public Op purchase(String worker, Cluster.Replica replica, Op.Kind kind, String product, long delayMs) {
        long id = history.nextId();
        String key = "chaos-" + seed + "-" + id;
        String path = kind == Op.Kind.BUY ? "/buy/" + product : "/purchase/with-lock/" + product;
        String body = kind == Op.Kind.BUY ? "{\"amount\": 1}" : "{\"quantity\": 1}";
        String url = replica.url() + path + (delayMs >= 0 ? "?delayMs=" + delayMs : "");
        long invoked = history.now();
        Reply reply = http.post(url, body, "Idempotency-Key", key);
        long completed = history.now();
        Outcome outcome;
        boolean served = false;
        long token = -1;
        long orderId = -1;
        if (reply.status() == 200) {
            outcome = Outcome.OK;
            served = true;
            token = reply.number("fencing_token");
            orderId = reply.number("order_id");
        } else if (reply.status() == 400 && "Out of stock".equals(reply.text("error"))) {
            outcome = Outcome.FAILED;
            served = true;
        } else if (reply.status() == 409 || reply.status() == 404 || reply.status() == 422
                || (reply.status() == 503 && "quorum_unavailable".equals(reply.text("reason")))) {
            outcome = Outcome.FAILED; // the API says nothing was written
        } else {
            outcome = Outcome.UNKNOWN; // no answer, or a database error whose commit may have happened
        }
        Op op = new Op(id, worker, replica.name(), kind, product, key, 1, invoked, completed, outcome, token, orderId, served,
                reply.status() + " " + reason(reply));
        history.add(op);
        return op;
    }

    /** One increment by 1; {@code thinkTimeMs} > 0 holds the counter's lock that long between read and write. */
    public Op increment(String worker, Cluster.Replica replica, String counter, String mode, int thinkTimeMs) {
        long id = history.nextId();
        long invoked = history.now();
        Reply reply = http.post(replica.url() + "/counters/" + counter + "/increment",
                "{\"by\": 1, \"mode\": \"" + mode + "\", \"thinkTimeMs\": " + thinkTimeMs + "}");
        long completed = history.now();
        Op.Kind kind = "locked".equals(mode) ? Op.Kind.INCREMENT_LOCKED : Op.Kind.INCREMENT_QUEUED;
        Outcome outcome;
        long token = -1;
        long value = -1;
        String key = null;
        if (reply.status() == 200 && kind == Op.Kind.INCREMENT_LOCKED) {
            outcome = Outcome.OK;
            token = reply.number("fencingToken");
            value = reply.number("value");
        } else if (reply.status() == 202 && kind == Op.Kind.INCREMENT_QUEUED) {
            outcome = Outcome.OK;
            key = reply.text("requestId");
        } else if (reply.status() == 400 || reply.status() == 409
                || (reply.status() == 503 && ("quorum_unavailable".equals(reply.text("reason")) || "node_set_mismatch".equals(reply.text("reason"))))) {
            outcome = Outcome.FAILED; // the API says nothing was written
        } else {
            outcome = Outcome.UNKNOWN;
        }
        Op op = new Op(id, worker, replica.name(), kind, counter, key, 1, invoked, completed, outcome, token, value,
                outcome == Outcome.OK, reply.status() + " " + reason(reply));
        history.add(op);
        return op;
    }

    private static String reason(Reply reply) {
        if (reply.status() == 0) {
            return reply.body();
        }
        String reason = reply.text("reason");
        if (reason != null) {
            return reason;
        }
        String error = reply.text("error");
        return error == null ? "" : error.length() > 60 ? error.substring(0, 60) : error;
    }
}
