package io.safelock.inventory.data;

/** What raising a product's fence to a lock holder's token found. */
public sealed interface FenceClaim {

    /** The row now carries the holder's token; {@code product} is what the holder may act on. */
    record Claimed(Product product) implements FenceClaim { }

    /** A holder with a newer token has already claimed or written the row. */
    record Fenced(long presented, long recorded) implements FenceClaim { }

    record NotFound() implements FenceClaim { }
}
