package org.mpp.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import org.junit.jupiter.api.Test;

/** The seed interface's logins (table interface) as {@code mpp users} keeps them and the interface's login reads them. */
interface UserContract extends StoreContract {
    /** The hash of "rasmuslerdorf" in PHP's manual (password_verify's example). */
    String PHP_MANUAL_HASH = "$2y$10$.vGA1O9wmRjrwAVXD98HNOgsNpDczlqm3Jq7KnEd1rVAGv3Fykk1a";

    default UserStore users() {
        return new UserStore(f().db);
    }

    @Test
    default void aLoginIsStoredAsA2yBcryptHashWhereTheInterfaceLooksForIt() throws Exception {
        users().add("operator", "correct horse".toCharArray());

        String hash = interfaceLogin("operator");

        assertThat(hash).startsWith("$2y$" + UserStore.COST + "$").hasSize(60).doesNotContain("correct");
        assertThat(UserStore.COST).isGreaterThanOrEqualTo(10);
        assertThat(users().verify("operator", "correct horse".toCharArray())).isTrue();
        assertThat(users().verify("operator", "correct horsE".toCharArray())).isFalse();
        assertThat(users().verify("nobody", "correct horse".toCharArray())).isFalse();
        assertThat(users().list()).extracting(UserStore.User::name).containsExactly("operator");
    }

    @Test
    default void aLoginWhosePasswordPhpHashedVerifies() throws Exception {
        try (Connection c = f().db.dataSource().getConnection();
                PreparedStatement s = c.prepareStatement("INSERT INTO interface (username, password) VALUES (?, ?)")) {
            c.setAutoCommit(true);
            s.setString(1, "rasmus");
            s.setString(2, PHP_MANUAL_HASH);
            s.executeUpdate();
        }

        assertThat(users().verify("rasmus", "rasmuslerdorf".toCharArray())).isTrue();
        assertThat(users().verify("rasmus", "rasmuslerdorF".toCharArray())).isFalse();
    }

    @Test
    default void passwdReplacesTheHashAndDeleteRemovesTheLogin() throws Exception {
        users().add("operator", "first password".toCharArray());
        String before = interfaceLogin("operator");

        assertThat(users().setPassword("operator", "second password".toCharArray())).isTrue();
        assertThat(interfaceLogin("operator")).isNotEqualTo(before).startsWith("$2y$");
        assertThat(users().verify("operator", "first password".toCharArray())).isFalse();
        assertThat(users().verify("operator", "second password".toCharArray())).isTrue();
        assertThat(users().setPassword("nobody", "second password".toCharArray())).isFalse();

        assertThat(users().delete("operator")).isTrue();
        assertThat(users().delete("operator")).isFalse();
        assertThat(users().list()).isEmpty();
        assertThat(interfaceLogin("operator")).isNull();
    }

    @Test
    default void aTakenNameABadNameOrAWeakPasswordIsRefused() {
        users().add("operator", "first password".toCharArray());

        assertThatThrownBy(() -> users().add("operator", "other password".toCharArray())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("exists already");
        assertThatThrownBy(() -> users().add("short", "2short".toCharArray())).hasMessageContaining("at least 8");
        assertThatThrownBy(() -> users().add("long", "x".repeat(73).toCharArray())).hasMessageContaining("at most 72 bytes");
        assertThatThrownBy(() -> users().add(" padded", "good password".toCharArray())).hasMessageContaining("login name");
        assertThatThrownBy(() -> users().add("", "good password".toCharArray())).hasMessageContaining("login name");
        assertThat(users().verify("operator", "first password".toCharArray())).isTrue();
        assertThat(users().list()).extracting(UserStore.User::name).containsExactly("operator");
    }

    /** The interface's own login query: SELECT userID, username, password FROM interface WHERE username = ?. */
    private String interfaceLogin(String name) throws Exception {
        try (Connection c = f().db.dataSource().getConnection();
                PreparedStatement s = c.prepareStatement("SELECT userID, username, password FROM interface WHERE username = ?")) {
            s.setString(1, name);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getString(3) : null;
            }
        }
    }
}
