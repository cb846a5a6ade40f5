package io.safelock.chaos;

import io.safelock.chaos.check.Verdict;
import io.safelock.chaos.history.Op;
import io.safelock.chaos.nemesis.Schedule;
import java.util.List;

/**
 * One schedule's outcome: its history, the verdicts, availability during the fault and time to recover.
 *
 * @param recoveryMs     time from heal until every replica gave a correct, definite answer again (success or out of stock), or -1 if one never did
 * @param observations   what the nemesis checked and saw while injecting (who held which lock, clocks, keys)
 * @param faultConfirmed the fault was shown to be in place as the schedule describes it
 */
public record ScheduleResult(Schedule schedule, long seed, List<Op> history, List<Verdict> verdicts, double availability,
                             long recoveryMs, List<String> observations, boolean faultConfirmed) {

    public boolean safe() {
        return verdicts.stream().allMatch(Verdict::holds);
    }

    /**
     * A violation fails the run unless the design does not promise the invariant under this fault; so does a
     * fault that could not be shown to be in place (the schedule would have tested less than it says).
     */
    public boolean acceptable() {
        return (safe() || !schedule.guaranteed()) && faultConfirmed;
    }
}
