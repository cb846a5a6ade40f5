package io.safelock.chaos.history;

/**
 * One completed operation of the history: its invocation and completion on the suite's monotonic clock
 * (ms since the run started), where it went, what it carried and what came back.
 *
 * @param kind         what was asked
 * @param target       the lock's resource: product id or counter name
 * @param key          the operation's own identity: Idempotency-Key of a purchase, request id of a queued increment
 * @param quantity     units bought or added
 * @param fencingToken the token the answer carried (locked writes), or -1
 * @param result       order id of a purchase, value after a locked increment, or -1
 * @param served       the system answered correctly and definitely (acknowledged, or out of stock): counts as available
 * @param detail       status and a short reason, for reports
 */
public record Op(long id, String worker, String replica, Kind kind, String target, String key, int quantity,
                 long invokeMs, long completeMs, Outcome outcome, long fencingToken, long result, boolean served,
                 String detail) {

    public enum Kind {
        /** POST /purchase/with-lock/{id} */
        PURCHASE_WITH_LOCK,
        /** POST /buy/{id} */
        BUY,
        /** POST /counters/{name}/increment mode=locked */
        INCREMENT_LOCKED,
        /** POST /counters/{name}/increment mode=queued */
        INCREMENT_QUEUED;

        public boolean isPurchase() {
            return this == PURCHASE_WITH_LOCK || this == BUY;
        }
    }

    public boolean hasToken() {
        return fencingToken >= 0;
    }
}
