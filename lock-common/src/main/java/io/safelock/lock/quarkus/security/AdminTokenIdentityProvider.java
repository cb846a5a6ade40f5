package io.safelock.lock.quarkus.security;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/** The admin identity for the one token configured in {@code admin.token}; any other token fails. */
@ApplicationScoped
public class AdminTokenIdentityProvider implements IdentityProvider<TokenAuthenticationRequest> {

    private static final Logger LOG = Logger.getLogger(AdminTokenIdentityProvider.class);
    /** Shorter tokens are refused at start-up: they could be guessed. */
    static final int MIN_TOKEN_LENGTH = 16;

    private final Optional<byte[]> expectedDigest;

    AdminTokenIdentityProvider(@ConfigProperty(name = AdminAccess.TOKEN_PROPERTY) Optional<String> token) {
        token.filter(t -> !t.isBlank() && t.strip().length() < MIN_TOKEN_LENGTH).ifPresent(t -> {
            throw new IllegalArgumentException(AdminAccess.TOKEN_PROPERTY + " must be at least " + MIN_TOKEN_LENGTH
                    + " characters long");
        });
        this.expectedDigest = token.filter(t -> !t.isBlank()).map(t -> digest(t.strip()));
    }

    void announce(@Observes StartupEvent started) {
        if (expectedDigest.isEmpty()) {
            LOG.warnf("%s is not set: the admin routes (resets, experiments) refuse every caller", AdminAccess.TOKEN_PROPERTY);
        }
    }

    @Override
    public Class<TokenAuthenticationRequest> getRequestType() {
        return TokenAuthenticationRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(TokenAuthenticationRequest request, AuthenticationRequestContext context) {
        // Digests of equal length compared in constant time: the answer's timing says nothing about the token.
        boolean matches = expectedDigest.map(expected -> MessageDigest.isEqual(expected, digest(request.getToken().getToken())))
                .orElse(false);
        if (!matches) {
            return Uni.createFrom().failure(new AuthenticationFailedException("wrong admin token"));
        }
        return Uni.createFrom().item(QuarkusSecurityIdentity.builder()
                .setPrincipal(new QuarkusPrincipal(AdminAccess.ROLE))
                .addRole(AdminAccess.ROLE)
                .build());
    }

    private static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
