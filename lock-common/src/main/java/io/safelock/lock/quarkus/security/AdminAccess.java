package io.safelock.lock.quarkus.security;

/**
 * The admin routes (resets, experiments, lock inspection) change or reveal state, so they are annotated
 * {@code @RolesAllowed(AdminAccess.ROLE)} and need {@code Authorization: Bearer <admin.token>}; every other
 * route stays open.
 */
public final class AdminAccess {

    /** The role a caller with the admin token has. */
    public static final String ROLE = "admin";

    /** The property holding the token (env {@code ADMIN_TOKEN}); unset means no caller is admin. */
    public static final String TOKEN_PROPERTY = "admin.token";

    private AdminAccess() {
    }
}
