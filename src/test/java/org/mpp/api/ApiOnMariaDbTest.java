package org.mpp.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mpp.store.ApiKeyStore;
import org.mpp.store.TestDatabases;
import org.mpp.store.UserStore;

/** Keys and login sessions on MariaDB (skipped when no server is reachable, unless CI requires it). */
class ApiOnMariaDbTest {
    @TempDir
    Path dir;
    TestDatabases.Fresh fresh;
    ApiFixture api;

    @AfterEach
    void tearDown() {
        if (api != null) {
            api.close();
        }
        if (fresh != null) {
            fresh.close();
        }
    }

    @Test
    void keysAndSessionsWorkOnMariaDbAndARevokedKeyAnswers401() {
        fresh = TestDatabases.mariaDb();
        api = ApiFixture.start(dir, "mpp.db.url = \"" + fresh.url() + "\"\nmpp.db.user = \"" + fresh.user() + "\"\n"
                + (fresh.password().isEmpty() ? "" : "mpp.db.password = \"" + fresh.password() + "\"\n"));
        assertThat(api.db.dialect().name()).isEqualTo("MARIADB");
        assertThat(api.get("/api/v1/jobs").statusCode()).isEqualTo(200);
        assertThat(api.send(api.request("/api/v1/jobs").GET()).statusCode()).isEqualTo(401);

        new UserStore(api.db).add("operator", "correct horse battery".toCharArray());
        HttpResponse<String> login = api.send(api.request("/api/v1/login").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"operator\",\"password\":\"correct horse battery\"}")));
        assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
        String session = login.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("mpp_session=")).findFirst().orElseThrow();
        assertThat(api.send(api.request("/api/v1/jobs").header("Cookie", session.substring(0, session.indexOf(';'))).GET()).statusCode())
                .isEqualTo(200);

        assertThat(new ApiKeyStore(api.db).revoke("test")).isTrue();
        assertThat(api.get("/api/v1/jobs").statusCode()).isEqualTo(401);
    }
}
