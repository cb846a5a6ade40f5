package io.safelock.inventory.data;

/** What a lock holder's fenced decrement of a product's stock did. */
public sealed interface FencedDecrement {

    /** Written: the stock after the decrement. */
    record Done(int stock) implements FencedDecrement { }

    /** Nothing written: another holder has claimed the row since this holder did ({@code recorded}, -1 if the row is gone). */
    record Fenced(long recorded) implements FencedDecrement { }

    /**
     * Nothing written: the row is still this holder's, but the stock no longer covers the quantity (a purchase
     * of a strategy that takes no lock, such as conditional-update, sold it meanwhile).
     */
    record OutOfStock(int available) implements FencedDecrement { }
}
