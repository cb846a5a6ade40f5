package io.safelock.chaos.nemesis;

/**
 * One named fault schedule.
 *
 * @param guaranteed whether the design promises every invariant under this fault; when false a violation is
 *                   reported as the documented limit it is, and does not fail the run
 * @param note       what the design promises here, for the report
 */
public record Schedule(String name, String description, boolean guaranteed, String note, Fault fault) {
}
