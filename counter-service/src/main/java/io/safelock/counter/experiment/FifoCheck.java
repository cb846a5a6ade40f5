package io.safelock.counter.experiment;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;

/**
 * Fair mode: were the grants made in the order the callers arrived? Arrival is the ticket each caller
 * took from the lock nodes when it asked for the lock; the grant order is the order in which the holders,
 * one after the other, appended their tickets to the counter's grant log (every replica's holders, while
 * the experiment ran). An {@code inversion} is a pair of grants where the later-arrived caller was served
 * first; {@code ties} are pairs with the same ticket (callers that arrived at the same moment, served in
 * waiter-id order, either order being first come, first served). {@code inOrder} = no inversion.
 */
@RegisterForReflection
public record FifoCheck(long grants, long inversions, long ties, boolean inOrder) {

    /** Counts the inversions of the tickets in grant order (merge sort, n log n). */
    public static FifoCheck of(List<Long> ticketsInGrantOrder) {
        long[] tickets = ticketsInGrantOrder.stream().mapToLong(Long::longValue).toArray();
        long ties = 0;
        long[] sorted = tickets.clone();
        java.util.Arrays.sort(sorted);
        for (int i = 0, j; i < sorted.length; i = j) {
            j = i;
            while (j < sorted.length && sorted[j] == sorted[i]) {
                j++;
            }
            long run = j - i;
            ties += run * (run - 1) / 2;
        }
        long inversions = countInversions(tickets, new long[tickets.length], 0, tickets.length);
        return new FifoCheck(tickets.length, inversions, ties, inversions == 0);
    }

    /** Pairs i < j with a[i] > a[j] (strictly: equal tickets are ties, not inversions); sorts a[from, to). */
    private static long countInversions(long[] a, long[] buffer, int from, int to) {
        if (to - from < 2) {
            return 0;
        }
        int middle = (from + to) >>> 1;
        long count = countInversions(a, buffer, from, middle) + countInversions(a, buffer, middle, to);
        int left = from;
        int right = middle;
        int out = from;
        while (left < middle && right < to) {
            if (a[left] <= a[right]) {
                buffer[out++] = a[left++];
            } else {
                count += middle - left;
                buffer[out++] = a[right++];
            }
        }
        while (left < middle) {
            buffer[out++] = a[left++];
        }
        while (right < to) {
            buffer[out++] = a[right++];
        }
        System.arraycopy(buffer, from, a, from, to - from);
        return count;
    }
}
