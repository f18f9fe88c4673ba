package org.mpp.store;

import static org.mpp.store.schema.Tables.APIKEY;

import java.time.LocalDateTime;
import java.util.List;
import org.jooq.DSLContext;

/**
 * API keys of the HTTP service: created with a name, printed once, kept only as their SHA-256, revoked by name.
 * Thread-safe.
 */
public final class ApiKeyStore {
    /** Every key starts with this, so that one found in a log or a repository is recognised for what it is. */
    public static final String PREFIX = "mpp_";
    private static final int MAX_NAME_CHARS = 64;
    private final DSLContext dsl;

    public ApiKeyStore(Database db) {
        this.dsl = db.dsl();
    }

    /** A key as operators see it (never the key or its hash). {@code revoked} is null while the key works. */
    public record ApiKey(long id, String name, LocalDateTime created, LocalDateTime revoked) {
    }

    /**
     * Creates a key named {@code name} and returns it: the only time it is ever seen.
     *
     * @throws IllegalArgumentException when the name is not acceptable or is taken (revoked keys keep their names)
     */
    public String create(String name) {
        if (name == null || name.isEmpty() || name.length() > MAX_NAME_CHARS || !name.matches("[A-Za-z0-9._@-]+")) {
            throw new IllegalArgumentException("A key name has 1 to " + MAX_NAME_CHARS + " letters, digits or . _ @ -, not '" + name + "'");
        }
        String key = Tokens.random(PREFIX);
        int n = dsl.insertInto(APIKEY).set(APIKEY.NAME, name).set(APIKEY.KEYHASH, Tokens.sha256(key)).set(APIKEY.CREATED, Sql.wallClock())
                .onDuplicateKeyIgnore().execute();
        if (n == 0) {
            throw new IllegalArgumentException("A key named " + name + " exists already (revoked keys keep their names); choose another name");
        }
        return key;
    }

    /** Every key, in the order they were created. */
    public List<ApiKey> list() {
        return dsl.select(APIKEY.APIKEYID, APIKEY.NAME, APIKEY.CREATED, APIKEY.REVOKED).from(APIKEY).orderBy(APIKEY.APIKEYID)
                .fetch(r -> new ApiKey(r.value1(), r.value2(), r.value3(), r.value4()));
    }

    /** Revokes a key at once on every node; false when there is no such key or it was revoked already. */
    public boolean revoke(String name) {
        return dsl.update(APIKEY).set(APIKEY.REVOKED, Sql.wallClock()).where(APIKEY.NAME.eq(name), APIKEY.REVOKED.isNull()).execute() == 1;
    }

    /** The name of the key {@code key}, when it exists and is not revoked; null otherwise. */
    public String verify(String key) {
        if (key == null || !key.startsWith(PREFIX)) {
            return null;
        }
        return dsl.select(APIKEY.NAME).from(APIKEY).where(APIKEY.KEYHASH.eq(Tokens.sha256(key)), APIKEY.REVOKED.isNull())
                .fetchOne(APIKEY.NAME);
    }
}
