package io.safelock.lock;

import java.util.Objects;

/**
 * What a lock protects: a {@code group} (bounded, caller-chosen, used to tag metrics: "product",
 * "counter") and an {@code id} inside it (the raw resource id, never a metric tag).
 * {@code LockName.of("product", "42")} locks key {@code product:42}.
 */
public record LockName(String group, String id) {

    static final int MAX_LENGTH = 512;

    public LockName {
        requireText(group, "group");
        requireText(id, "id");
        if (group.indexOf(':') >= 0) {
            throw new IllegalArgumentException("lock group must not contain ':' but was '" + group + "'");
        }
        if (group.length() + id.length() + 1 > MAX_LENGTH) {
            throw new IllegalArgumentException("lock name longer than " + MAX_LENGTH + " characters");
        }
    }

    public static LockName of(String group, String id) {
        return new LockName(group, id);
    }

    /**
     * Parses {@code "group:id"}; a name without ':' is its own group, so keep such names few
     * (each distinct group becomes a metric series).
     */
    public static LockName parse(String name) {
        requireText(name, "lock name");
        int colon = name.indexOf(':');
        if (colon <= 0 || colon == name.length() - 1) {
            return new LockName(name.replace(":", ""), name);
        }
        return new LockName(name.substring(0, colon), name.substring(colon + 1));
    }

    /** The full name, {@code group:id}, as stored in Redis (behind the key prefix). */
    public String value() {
        return group + ":" + id;
    }

    @Override
    public String toString() {
        return value();
    }

    private static void requireText(String value, String what) {
        Objects.requireNonNull(value, () -> what + " must not be null");
        if (value.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank");
        }
        if (value.indexOf('{') >= 0 || value.indexOf('}') >= 0) {
            throw new IllegalArgumentException(what + " must not contain '{' or '}' but was '" + value + "'");
        }
    }
}
