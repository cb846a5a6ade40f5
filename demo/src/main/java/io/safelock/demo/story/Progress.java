package io.safelock.demo.story;

import java.io.PrintStream;

/** Lines printed while the story runs, each with the seconds since it started. */
public final class Progress {

    private final PrintStream out;
    private final long started = System.nanoTime();

    public Progress(PrintStream out) {
        this.out = out;
    }

    public void step(String id, String what) {
        out.printf("[demo %5.1fs] %-3s %s%n", seconds(), id, what);
    }

    public void detail(String what) {
        out.printf("[demo %5.1fs]       %s%n", seconds(), what);
    }

    private double seconds() {
        return (System.nanoTime() - started) / 1e9;
    }
}
