package io.safelock.lock.internal.redis;

import io.safelock.lock.LockOwner;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The owner record beside a lock key ({@code <lock key>:owner}): who was granted the lock, when, with which
 * token and fencing token. One string of space-separated fields, written by {@link LockScripts#ACQUIRE} in
 * the grant itself: {@code <fencing token> <since, epoch ms on the node's clock> <lease token> <who>}, where
 * {@code who} is {@code service replica host label}, each URL-encoded so that no field holds a space
 * ({@link #who}). {@link LockScripts#RAISE_FENCE} rewrites the first field.
 *
 * @param fence the lease's fencing token as this node recorded it
 * @param since when the node granted it, epoch milliseconds
 * @param token the lease token the record belongs to
 */
public record OwnerRecord(long fence, long since, String token, LockOwner owner) {

    private static final int FIELDS = 7;

    /** {@code who} as the grant script takes it. */
    public static String who(LockOwner owner) {
        return encode(owner.service()) + ' ' + encode(owner.replica()) + ' ' + encode(owner.host()) + ' ' + encode(owner.label());
    }

    /** The record as a node returned it; empty for no record or one this version cannot read. */
    public static Optional<OwnerRecord> parse(String record) {
        if (record == null || record.isEmpty()) {
            return Optional.empty();
        }
        String[] fields = record.split(" ", -1);
        if (fields.length != FIELDS) {
            return Optional.empty();
        }
        try {
            LockOwner owner = new LockOwner(decode(fields[3]), decode(fields[4]), decode(fields[5]), decode(fields[6]));
            return Optional.of(new OwnerRecord(Long.parseLong(fields[0]), Long.parseLong(fields[1]), fields[2], owner));
        } catch (IllegalArgumentException unreadable) { // NumberFormatException too
            return Optional.empty();
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value == null ? "" : value, StandardCharsets.UTF_8);
    }

    private static String decode(String value) {
        return URLDecoder.decode(value, StandardCharsets.UTF_8);
    }
}
