package io.safelock.counter.config;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;

/**
 * Under Quarkus, Mutiny's timers ({@code delayIt}, {@code ifNoItem().after}, the default worker pool's
 * {@code schedule}) are Vert.x timers, and Vert.x refuses delays below one millisecond. The lock client
 * backs off with full jitter and asks for such delays; a refused timer inside {@code ifNoItem} is dropped
 * by Mutiny and leaves the lock acquisition hanging for ever. Rounding those delays up to one millisecond
 * (which changes nothing measurable) keeps every timer working.
 */
@Singleton
public class MillisecondTimers {

    private static final Logger LOG = Logger.getLogger(MillisecondTimers.class);

    void install(@Observes @Priority(1) StartupEvent event) {
        ScheduledExecutorService scheduler = Infrastructure.getDefaultWorkerPool();
        if (!(scheduler instanceof AtLeastOneMillisecond)) {
            // false: keep the current executor running, it is the one we delegate to
            Infrastructure.setDefaultExecutor(new AtLeastOneMillisecond(scheduler, Infrastructure.getDefaultExecutor()), false);
            LOG.debug("Mutiny timers below 1 ms are rounded up to 1 ms");
        }
    }

    /** Delegates everything, rounding positive delays below one millisecond up. */
    static final class AtLeastOneMillisecond implements ScheduledExecutorService {

        private final ScheduledExecutorService scheduler;
        private final Executor executor;

        AtLeastOneMillisecond(ScheduledExecutorService scheduler, Executor executor) {
            this.scheduler = scheduler;
            this.executor = executor;
        }

        private static long millis(long delay, TimeUnit unit) {
            return Math.max(1, (long) Math.ceil(unit.toNanos(delay) / 1_000_000.0));
        }

        @Override
        public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
            return scheduler.schedule(command, millis(delay, unit), TimeUnit.MILLISECONDS);
        }

        @Override
        public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
            return scheduler.schedule(callable, millis(delay, unit), TimeUnit.MILLISECONDS);
        }

        @Override
        public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
            return scheduler.scheduleAtFixedRate(command, millis(initialDelay, unit), millis(period, unit), TimeUnit.MILLISECONDS);
        }

        @Override
        public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
            return scheduler.scheduleWithFixedDelay(command, millis(initialDelay, unit), millis(delay, unit), TimeUnit.MILLISECONDS);
        }

        @Override
        public void execute(Runnable command) {
            executor.execute(command);
        }

        @Override
        public void shutdown() {
            scheduler.shutdown();
        }

        @Override
        public List<Runnable> shutdownNow() {
            return scheduler.shutdownNow();
        }

        @Override
        public boolean isShutdown() {
            return scheduler.isShutdown();
        }

        @Override
        public boolean isTerminated() {
            return scheduler.isTerminated();
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
            return scheduler.awaitTermination(timeout, unit);
        }

        @Override
        public <T> Future<T> submit(Callable<T> task) {
            return scheduler.submit(task);
        }

        @Override
        public <T> Future<T> submit(Runnable task, T result) {
            return scheduler.submit(task, result);
        }

        @Override
        public Future<?> submit(Runnable task) {
            return scheduler.submit(task);
        }

        @Override
        public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks) throws InterruptedException {
            return scheduler.invokeAll(tasks);
        }

        @Override
        public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit)
                throws InterruptedException {
            return scheduler.invokeAll(tasks, timeout, unit);
        }

        @Override
        public <T> T invokeAny(Collection<? extends Callable<T>> tasks) throws InterruptedException, ExecutionException {
            return scheduler.invokeAny(tasks);
        }

        @Override
        public <T> T invokeAny(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit)
                throws InterruptedException, ExecutionException, TimeoutException {
            return scheduler.invokeAny(tasks, timeout, unit);
        }
    }
}
