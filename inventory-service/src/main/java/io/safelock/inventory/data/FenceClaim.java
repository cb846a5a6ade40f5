package io.safelock.inventory.data;

/** What claiming a product's fence for a lock holder's token found (a purchase's read, or a reset). */
public sealed interface FenceClaim {

    /** The row now carries the holder's token; {@code product} is what the holder may act on. */
    record Claimed(Product product) implements FenceClaim { }

    /** A holder with this token or a later one ({@code recorded}) has already claimed the row: nothing written. */
    record Fenced(long presented, long recorded) implements FenceClaim { }

    record NotFound() implements FenceClaim { }
}
