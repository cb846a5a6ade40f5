package io.safelock.testsupport.http;

/** The admin token the services' test profile and the multi-process tests configure ({@code admin.token}). */
public final class AdminToken {

    /** Same value as {@code %test.admin.token} in each service's application.properties. */
    public static final String TOKEN = "test-admin-token-not-secret";

    private AdminToken() {
    }

    /** The value of the {@code Authorization} header that makes a test caller admin. */
    public static String bearer() {
        return "Bearer " + TOKEN;
    }
}
