package io.safelock.demo.story;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Lines printed while the story runs, each with the seconds since it started; the steps' wall-clock times are kept. */
public final class Progress {

    private final PrintStream out;
    private final long started = System.nanoTime();
    private final List<String> steps = new ArrayList<>();

    public Progress(PrintStream out) {
        this.out = out;
    }

    public void step(String id, String what) {
        out.printf("[demo %5.1fs] %-3s %s%n", seconds(), id, what);
        steps.add(System.currentTimeMillis() + "\t" + id + "\t" + what.replace('\t', ' '));
    }

    public void detail(String what) {
        out.printf("[demo %5.1fs]       %s%n", seconds(), what);
    }

    /**
     * Writes when each step began ({@code epoch-ms TAB id TAB what}, then an {@code end} line), so that
     * pictures of the metrics can mark the story's steps: see {@code scripts/monitoring-picture.sh}.
     */
    void writeSteps(Path file) {
        List<String> lines = new ArrayList<>(steps);
        lines.add(System.currentTimeMillis() + "\tend\tthe story ended");
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, lines);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + file, e);
        }
    }

    private double seconds() {
        return (System.nanoTime() - started) / 1e9;
    }
}
