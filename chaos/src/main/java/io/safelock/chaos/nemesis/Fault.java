package io.safelock.chaos.nemesis;

/** What the nemesis does to the system at the start of a schedule's fault window, and how it heals it. */
public interface Fault {

    /** Injects the fault; runs while the workload runs. */
    void inject(Nemesis nemesis);

    /** Undoes it (restart, resume, heal the network); returns when the fault's processes are back. */
    void heal(Nemesis nemesis);
}
