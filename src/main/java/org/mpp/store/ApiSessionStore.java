package org.mpp.store;

import static org.mpp.store.schema.Tables.APISESSION;
import static org.mpp.store.schema.Tables.INTERFACE;

import java.time.Duration;
import java.util.Optional;
import org.jooq.DSLContext;

/**
 * Login sessions of the HTTP service, in the database so that every node serving the API knows them. The session token
 * is kept only as its SHA-256; expiry is on the database's clock. Thread-safe.
 */
public final class ApiSessionStore {
    private final DSLContext dsl;

    public ApiSessionStore(Database db) {
        this.dsl = db.dsl();
    }

    /** A new session: {@code token} goes into the HttpOnly cookie, {@code csrfToken} to the page. */
    public record NewSession(String token, String csrfToken) {
    }

    /** A live session. */
    public record Session(String username, String csrfToken) {
    }

    /** Opens a session for {@code username} that lasts {@code lifetime}; removes expired sessions on the way. */
    public NewSession open(String username, Duration lifetime) {
        dsl.deleteFrom(APISESSION).where(APISESSION.EXPIRESAT.lt(Sql.now())).execute();
        String token = Tokens.random("");
        String csrf = Tokens.random("");
        dsl.insertInto(APISESSION).set(APISESSION.SESSIONHASH, Tokens.sha256(token)).set(APISESSION.USERNAME, username)
                .set(APISESSION.CSRFTOKEN, csrf).set(APISESSION.CREATED, Sql.now()).set(APISESSION.EXPIRESAT, Sql.nowPlus(lifetime))
                .execute();
        return new NewSession(token, csrf);
    }

    /** The session of {@code token} while it has not expired and its login still exists (deleting a login ends its sessions). */
    public Optional<Session> find(String token) {
        if (token == null || token.isEmpty()) {
            return Optional.empty();
        }
        return dsl.select(APISESSION.USERNAME, APISESSION.CSRFTOKEN).from(APISESSION)
                .where(APISESSION.SESSIONHASH.eq(Tokens.sha256(token)), APISESSION.EXPIRESAT.gt(Sql.now()),
                        org.jooq.impl.DSL.exists(org.jooq.impl.DSL.selectOne().from(INTERFACE).where(INTERFACE.USERNAME.eq(APISESSION.USERNAME))))
                .fetchOptional(r -> new Session(r.value1(), r.value2()));
    }

    /** Ends every session of {@code username} except the one of {@code keepToken} (after a password change); how many ended. */
    public int closeOthers(String username, String keepToken) {
        byte[] keep = Tokens.sha256(keepToken == null ? "" : keepToken);
        return dsl.deleteFrom(APISESSION).where(APISESSION.USERNAME.eq(username), APISESSION.SESSIONHASH.ne(keep)).execute();
    }

    /** Ends a session (logout); false when it did not exist. */
    public boolean close(String token) {
        return token != null && dsl.deleteFrom(APISESSION).where(APISESSION.SESSIONHASH.eq(Tokens.sha256(token))).execute() == 1;
    }
}
