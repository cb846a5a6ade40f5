package io.safelock.lock.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A deadline can pass while the step that set it is still being wired to the next one (here: a subscriber that
 * takes 3 ms to subscribe, as a preempted thread would); a waiter's
 * shortest backoff sleep is 1 ms, and a busy machine can preempt the subscribing thread for longer. The
 * next step must then still get exactly one signal, after its subscription, never the sleep's outcome
 * mistaken for another step's (seen in a benchmark as "Lease cannot be cast to Void", a granted lease
 * lost and left to expire).
 */
class DeadlineOrderTest {

    private static final int SLEEPS = 400;

    @Test
    void aSleepWhoseDeadlinePassesWhileItIsWiredStillLeadsToTheNextStepOnce() throws Exception {
        ReleaseSignals signals = new ReleaseSignals();
        Map<String, AtomicInteger> outcomes = new ConcurrentHashMap<>();
        CountDownLatch done = new CountDownLatch(SLEEPS);
        List<Thread> threads = List.of(0, 1).stream().map(t -> Thread.ofPlatform().start(() -> {
            for (int i = 0; i < SLEEPS / 2; i++) {
                String name = "lock-" + t + "-" + i;
                signals.sleep(name, Duration.ofMillis(1), signals.stamp(name), wake -> { })
                        .onSubscription().invoke(() -> spin(Duration.ofMillis(3)))
                        .flatMap(slept -> Uni.createFrom().item("next step"))
                        .flatMap(next -> Uni.createFrom().item(next + " ran"))
                        .subscribe().with(
                                item -> count(outcomes, item, done),
                                failure -> count(outcomes, failure.getClass().getSimpleName() + ": " + failure.getMessage(), done));
            }
        })).toList();
        for (Thread thread : threads) {
            thread.join();
        }
        boolean all = done.await(60, TimeUnit.SECONDS);
        assertThat(new TreeMap<>(outcomes)).as("outcomes of %d sleeps (all settled: %s)", SLEEPS, all)
                .containsOnlyKeys("next step ran");
        assertThat(outcomes.get("next step ran").get()).isEqualTo(SLEEPS);
    }

    private static void spin(Duration duration) {
        long until = System.nanoTime() + duration.toNanos();
        while (System.nanoTime() < until) {
            Thread.onSpinWait();
        }
    }

    private static void count(Map<String, AtomicInteger> outcomes, String outcome, CountDownLatch done) {
        outcomes.computeIfAbsent(outcome, o -> new AtomicInteger()).incrementAndGet();
        done.countDown();
    }
}
