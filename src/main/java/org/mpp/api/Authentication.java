package org.mpp.api;

import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import org.mpp.store.ApiKeyStore;
import org.mpp.store.ApiSessionStore;
import org.mpp.store.UserStore;

/**
 * Who is calling: the filter in front of every route, and login/logout. A machine sends {@code Authorization: Bearer
 * KEY}; a person logs in with a login of the seed's {@code interface} table and gets an HttpOnly, SameSite=Strict
 * session cookie (a row in the database, so any node knows it) and a CSRF token, which every cookie-authenticated
 * request that changes something must echo in {@code X-CSRF-Token}. Without either, every path except the login, the
 * OpenAPI document, {@code /health/live}, {@code /health/ready} and {@code /metrics} (unless
 * {@code mpp.api.metrics-auth}) and the dashboard's pages and assets (GET only; they hold no data, see {@link WebAssets})
 * answers 401, unknown paths included. Thread-safe.
 */
final class Authentication {
    static final String SESSION_COOKIE = "mpp_session";
    static final String CSRF_COOKIE = "mpp_csrf";
    static final String CSRF_HEADER = "X-CSRF-Token";
    static final Duration SESSION_LIFETIME = Duration.ofHours(12);
    /** The only paths open without credentials; everything else, unknown paths included, needs them (deny by default). */
    private static final Set<String> OPEN = Set.of("/api/v1/login", "/api/v1/openapi.json", "/health/live", "/health/ready", "/metrics");
    private static final Set<HandlerType> SAFE = Set.of(HandlerType.GET, HandlerType.HEAD, HandlerType.OPTIONS);
    private final ApiKeyStore keys;
    private final ApiSessionStore sessions;
    private final UserStore users;
    private final LoginThrottle throttle;
    private final boolean metricsAuth;

    Authentication(ApiKeyStore keys, ApiSessionStore sessions, UserStore users, LoginThrottle throttle, boolean metricsAuth) {
        this.keys = keys;
        this.sessions = sessions;
        this.users = users;
        this.throttle = throttle;
        this.metricsAuth = metricsAuth;
    }

    /** The body of {@code POST /api/v1/login}. */
    record LoginBody(String username, String password) {
    }

    /** What a login answers: who, and the CSRF token (also in the readable {@code mpp_csrf} cookie). */
    record LoginAnswer(String username, String csrfToken) {
    }

    /** The body of {@code POST /api/v1/password}. */
    record PasswordBody(String currentPassword, String newPassword) {
    }

    /** {@code GET /api/v1/me}: the login of the session, or null for an API key; {@code via} is "session" or "key". */
    record Me(String username, String via) {
    }

    /** The context attribute holding the caller's session (absent for an API key and on open paths). */
    private static final String SESSION_ATTRIBUTE = "mpp.session";

    void filter(Context ctx) {
        String path = ctx.path();
        boolean needsAuth = !OPEN.contains(path) || (metricsAuth && path.equals("/metrics"));
        boolean dashboard = SAFE.contains(ctx.method()) && WebAssets.isPublic(path);
        if (!needsAuth || dashboard) {
            return;
        }
        String authorization = ctx.header("Authorization");
        if (authorization != null) {
            if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7) || keys.verify(authorization.substring(7).strip()) == null) {
                throw unauthorized(ctx, "the API key is unknown or revoked");
            }
            return;
        }
        if (path.equals("/metrics")) {
            throw unauthorized(ctx, "/metrics needs an API key (mpp.api.metrics-auth = true): Authorization: Bearer KEY");
        }
        ApiSessionStore.Session session = sessions.find(ctx.cookie(SESSION_COOKIE))
                .orElseThrow(() -> unauthorized(ctx, "send Authorization: Bearer KEY (mpp keys create NAME), or log in at POST /api/v1/login"));
        if (!SAFE.contains(ctx.method()) && !sameToken(session.csrfToken(), ctx.header(CSRF_HEADER))) {
            throw ApiException.forbidden("a request that changes something needs the " + CSRF_HEADER + " header with the login's CSRF token");
        }
        ctx.attribute(SESSION_ATTRIBUTE, session);
    }

    void me(Context ctx) {
        ApiSessionStore.Session s = ctx.attribute(SESSION_ATTRIBUTE);
        ctx.json(s == null ? new Me(null, "key") : new Me(s.username(), "session"));
    }

    /**
     * Changes the password of the session's own login after checking its current one (wrong ones count as failed logins
     * for the throttle); every other session of that login ends, this one stays. An API key has no login: 403.
     */
    void changePassword(Context ctx) {
        ApiSessionStore.Session s = ctx.attribute(SESSION_ATTRIBUTE);
        if (s == null) {
            throw ApiException.forbidden("an API key has no password; log in to change a login's password (or: mpp users passwd NAME)");
        }
        PasswordBody body = Json.body(ctx, PasswordBody.class);
        if (body.currentPassword() == null || body.newPassword() == null) {
            throw ApiException.badRequest("give {\"currentPassword\": ..., \"newPassword\": ...}");
        }
        Optional<Duration> wait = throttle.waitBefore(s.username(), ctx.ip());
        if (wait.isPresent()) {
            throw new ApiException(429, "too_many_attempts", "too many wrong passwords; try again in " + Math.max(1, wait.get().toSeconds()) + " s");
        }
        char[] current = body.currentPassword().toCharArray();
        char[] next = body.newPassword().toCharArray();
        try {
            if (!users.verify(s.username(), current)) {
                throttle.failed(s.username(), ctx.ip());
                throw ApiException.forbidden("the current password is wrong");
            }
            throttle.succeeded(s.username());
            if (!users.setPassword(s.username(), next)) {
                throw ApiException.notFound("the login " + s.username() + " was deleted meanwhile");
            }
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        } finally {
            Arrays.fill(current, '\0');
            Arrays.fill(next, '\0');
        }
        sessions.closeOthers(s.username(), ctx.cookie(SESSION_COOKIE));
        ctx.status(204);
    }

    void login(Context ctx) {
        LoginBody body = Json.body(ctx, LoginBody.class);
        if (body.username() == null || body.password() == null) {
            throw ApiException.badRequest("give {\"username\": ..., \"password\": ...}");
        }
        Optional<Duration> wait = throttle.waitBefore(body.username(), ctx.ip());
        if (wait.isPresent()) {
            long seconds = Math.max(1, wait.get().toSeconds());
            ctx.header("Retry-After", String.valueOf(seconds));
            throw new ApiException(429, "too_many_attempts", "too many failed logins; try again in " + seconds + " s");
        }
        char[] password = body.password().toCharArray();
        boolean ok;
        try {
            ok = users.verify(body.username(), password);
        } finally {
            Arrays.fill(password, '\0');
        }
        if (!ok) {
            throttle.failed(body.username(), ctx.ip());
            throw ApiException.unauthorized("wrong login name or password");
        }
        throttle.succeeded(body.username());
        ApiSessionStore.NewSession s = sessions.open(body.username(), SESSION_LIFETIME);
        long maxAge = SESSION_LIFETIME.toSeconds();
        ctx.res().addHeader("Set-Cookie", SESSION_COOKIE + "=" + s.token() + "; Path=/; Max-Age=" + maxAge + "; HttpOnly; SameSite=Strict");
        ctx.res().addHeader("Set-Cookie", CSRF_COOKIE + "=" + s.csrfToken() + "; Path=/; Max-Age=" + maxAge + "; SameSite=Strict");
        ctx.json(new LoginAnswer(body.username(), s.csrfToken()));
    }

    void logout(Context ctx) {
        sessions.close(ctx.cookie(SESSION_COOKIE));
        ctx.res().addHeader("Set-Cookie", SESSION_COOKIE + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict");
        ctx.res().addHeader("Set-Cookie", CSRF_COOKIE + "=; Path=/; Max-Age=0; SameSite=Strict");
        ctx.status(204);
    }

    private static ApiException unauthorized(Context ctx, String detail) {
        ctx.header("WWW-Authenticate", "Bearer");
        return ApiException.unauthorized(detail);
    }

    /** Compares in constant time, so that the token cannot be found byte by byte from response times. */
    private static boolean sameToken(String expected, String given) {
        return given != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
    }
}
