package org.mpp.store;

import static org.mpp.store.schema.Tables.INTERFACE;

import at.favre.lib.crypto.bcrypt.BCrypt;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.jooq.DSLContext;

/**
 * The logins of the seed's HTML interface: rows of {@code interface} (userID, username, password), the password a
 * bcrypt hash with the {@code $2y$} prefix that PHP's {@code password_verify} accepts (shared/SEED-INTERFACE.md).
 * There is no default login: every row is one an operator added. Thread-safe. Passwords are taken as char arrays,
 * which the caller may wipe afterwards; nothing here keeps them.
 */
public final class UserStore {
    /** bcrypt's work factor: PHP's own default is 10; 12 costs a login about a quarter of a second. */
    public static final int COST = 12;
    /** bcrypt reads no more than 72 bytes of a password (PHP cuts the rest off silently; we refuse it instead). */
    public static final int MAX_PASSWORD_BYTES = 72;
    public static final int MIN_PASSWORD_CHARS = 8;
    private static final int MAX_NAME_CHARS = 64;
    private final DSLContext dsl;

    public UserStore(Database db) {
        this.dsl = db.dsl();
    }

    /** A login as operators see it (never its hash). */
    public record User(long id, String name) {
    }

    /**
     * Adds a login.
     *
     * @throws IllegalArgumentException when the name or password is not acceptable, or the name is taken
     */
    public void add(String name, char[] password) {
        checkName(name);
        String hash = hash(password);
        // Not a read then an insert: the unique key decides between two operators adding the same name at once.
        int n = dsl.insertInto(INTERFACE).set(INTERFACE.USERNAME, name).set(INTERFACE.PASSWORD, hash).onDuplicateKeyIgnore().execute();
        if (n == 0) {
            throw new IllegalArgumentException("A login named " + name + " exists already; change its password with mpp users passwd " + name);
        }
    }

    /** The logins, in the order they were added. */
    public List<User> list() {
        return dsl.select(INTERFACE.USERID, INTERFACE.USERNAME).from(INTERFACE).orderBy(INTERFACE.USERID)
                .fetch(r -> new User(r.value1(), r.value2()));
    }

    /**
     * Replaces a login's password; false when there is no such login.
     *
     * @throws IllegalArgumentException when the password is not acceptable
     */
    public boolean setPassword(String name, char[] password) {
        String hash = hash(password);
        return dsl.update(INTERFACE).set(INTERFACE.PASSWORD, hash).where(INTERFACE.USERNAME.eq(name)).execute() == 1;
    }

    /** Removes a login; false when there is no such login. */
    public boolean delete(String name) {
        return dsl.deleteFrom(INTERFACE).where(INTERFACE.USERNAME.eq(name)).execute() == 1;
    }

    /**
     * Whether {@code password} is the login's, as the interface's {@code password_verify} decides it ({@code $2y$},
     * {@code $2a$} and {@code $2b$} hashes all verify); false for an unknown name or a row that holds no bcrypt hash.
     */
    public boolean verify(String name, char[] password) {
        String hash = dsl.select(INTERFACE.PASSWORD).from(INTERFACE).where(INTERFACE.USERNAME.eq(name)).fetchOne(INTERFACE.PASSWORD);
        return hash != null && matches(password, hash);
    }

    /** Whether {@code password} matches a bcrypt hash; false when {@code hash} is not one. */
    public static boolean matches(char[] password, String hash) {
        try {
            return BCrypt.verifyer().verify(password, hash.toCharArray()).verified;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * A {@code $2y$} bcrypt hash of {@code password} at {@link #COST}, with a fresh random salt.
     *
     * @throws IllegalArgumentException when the password is shorter than {@link #MIN_PASSWORD_CHARS} characters or
     *     longer than {@link #MAX_PASSWORD_BYTES} bytes in UTF-8
     */
    public static String hash(char[] password) {
        int bytes = utf8Length(password);
        if (password.length < MIN_PASSWORD_CHARS) {
            throw new IllegalArgumentException("A password needs at least " + MIN_PASSWORD_CHARS + " characters");
        }
        if (bytes > MAX_PASSWORD_BYTES) {
            throw new IllegalArgumentException("A password may be at most " + MAX_PASSWORD_BYTES + " bytes long (bcrypt ignores the rest); "
                    + "this one has " + bytes);
        }
        // The library encodes the chars as UTF-8, as PHP hands its strings' bytes to bcrypt.
        return BCrypt.with(BCrypt.Version.VERSION_2Y).hashToString(COST, password);
    }

    private static int utf8Length(char[] password) {
        ByteBuffer b = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
        int n = b.remaining();
        if (b.hasArray()) {
            Arrays.fill(b.array(), (byte) 0);
        }
        return n;
    }

    private static void checkName(String name) {
        if (name == null || name.isEmpty() || name.length() > MAX_NAME_CHARS || !name.equals(name.strip())
                || name.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("A login name has 1 to " + MAX_NAME_CHARS
                    + " characters, without control characters or spaces at either end, not '" + name + "'");
        }
    }
}
