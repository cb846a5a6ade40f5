package io.safelock.chaos;

import io.safelock.chaos.check.Verdict;
import io.safelock.chaos.history.Op;
import io.safelock.chaos.nemesis.Schedule;
import java.util.List;

/**
 * One schedule's outcome: its history, the verdicts, availability during the fault and time to recover.
 *
 * @param recoveryMs time from heal until every replica gave a correct, definite answer again (success or out of stock), or -1 if one never did
 */
public record ScheduleResult(Schedule schedule, long seed, List<Op> history, List<Verdict> verdicts, double availability,
                             long recoveryMs) {

    public boolean safe() {
        return verdicts.stream().allMatch(Verdict::holds);
    }

    /** A violation fails the run unless the design does not promise the invariant under this fault. */
    public boolean acceptable() {
        return safe() || !schedule.guaranteed();
    }
}
