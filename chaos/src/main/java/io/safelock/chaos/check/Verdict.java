package io.safelock.chaos.check;

import java.util.List;

/** One invariant's result over a history: holds, or the violations found (each a sentence naming the operations). */
public record Verdict(String invariant, List<String> violations) {

    public boolean holds() {
        return violations.isEmpty();
    }

    @Override
    public String toString() {
        return invariant + ": " + (holds() ? "holds" : "VIOLATED " + violations);
    }
}
