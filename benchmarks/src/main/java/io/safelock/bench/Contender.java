package io.safelock.bench;

/** One lock implementation under test, used from plain threads. */
interface Contender extends AutoCloseable {

    String name();

    /** Blocks until the lock on {@code key} is held (or fails after the wait limit). */
    Object lock(String key) throws Exception;

    void unlock(Object handle) throws Exception;

    @Override
    void close();
}
