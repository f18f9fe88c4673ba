package org.mpp.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mpp.store.UserStore;

/** What the dashboard needs from the server: its pages and assets open (and nothing else), who am I, a password change. */
class ApiDashboardTest {
    private static final String PASSWORD = "first password";
    private static final String NEW_PASSWORD = "second password";
    @TempDir
    Path dir;
    ApiFixture api;

    @AfterEach
    void tearDown() {
        if (api != null) {
            api.close();
        }
    }

    private void start() {
        api = ApiFixture.start(dir, "");
        new UserStore(api.db).add("operator", PASSWORD.toCharArray());
    }

    /** A session: its cookie header and CSRF token; null when the login is refused. */
    private record Session(String cookie, String csrf) {
    }

    private Session login(String password) {
        HttpResponse<String> r = api.send(api.request("/api/v1/login").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"operator\",\"password\":\"" + password + "\"}")));
        if (r.statusCode() != 200) {
            return null;
        }
        String session = r.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("mpp_session=")).findFirst().orElseThrow();
        return new Session(session.substring(0, session.indexOf(';')), ApiFixture.json(r).get("csrfToken").asText());
    }

    private HttpResponse<String> changePassword(Session s, String csrf, String current, String next) {
        HttpRequest.Builder r = api.request("/api/v1/password").header("Cookie", s.cookie()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"currentPassword\":\"" + current + "\",\"newPassword\":\"" + next + "\"}"));
        return api.send(csrf == null ? r : r.header("X-CSRF-Token", csrf));
    }

    private int status(Session s, String path) {
        return api.send(api.request(path).header("Cookie", s.cookie()).GET()).statusCode();
    }

    @Test
    void changingThePasswordChecksTheCurrentOneAndEndsTheOtherSessions() {
        start();
        Session mine = login(PASSWORD);
        Session other = login(PASSWORD);

        assertThat(changePassword(mine, null, PASSWORD, NEW_PASSWORD).statusCode()).isEqualTo(403);
        HttpResponse<String> wrong = changePassword(mine, mine.csrf(), "not the password", NEW_PASSWORD);
        assertThat(wrong.statusCode()).isEqualTo(403);
        assertThat(ApiFixture.json(wrong).get("detail").asText()).contains("current password is wrong");
        HttpResponse<String> tooShort = changePassword(mine, mine.csrf(), PASSWORD, "short");
        assertThat(tooShort.statusCode()).isEqualTo(400);
        assertThat(ApiFixture.json(tooShort).get("detail").asText()).contains("at least 8");
        assertThat(status(other, "/api/v1/jobs")).isEqualTo(200);

        assertThat(changePassword(mine, mine.csrf(), PASSWORD, NEW_PASSWORD).statusCode()).isEqualTo(204);

        assertThat(status(mine, "/api/v1/jobs")).isEqualTo(200);
        assertThat(status(other, "/api/v1/jobs")).isEqualTo(401);
        assertThat(login(PASSWORD)).isNull();
        assertThat(login(NEW_PASSWORD)).isNotNull();
    }

    @Test
    void anApiKeyHasNoPasswordToChange() {
        start();
        HttpResponse<String> r = api.postJson("/api/v1/password", "{\"currentPassword\":\"x\",\"newPassword\":\"yyyyyyyyyy\"}");
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(ApiFixture.json(api.get("/api/v1/me")).get("via").asText()).isEqualTo("key");
        assertThat(api.send(api.request("/api/v1/password").POST(HttpRequest.BodyPublishers.ofString("{}"))).statusCode()).isEqualTo(401);
    }

    @Test
    void meNamesTheSessionsLogin() {
        start();
        Session s = login(PASSWORD);
        HttpResponse<String> r = api.send(api.request("/api/v1/me").header("Cookie", s.cookie()).GET());
        assertThat(ApiFixture.json(r).get("username").asText()).isEqualTo("operator");
        assertThat(api.send(api.request("/api/v1/me").GET()).statusCode()).isEqualTo(401);
    }

    @Test
    void theDashboardsPagesAndAssetsAreOpenWithAStrictContentSecurityPolicy() {
        start();
        for (String path : List.of("/", "/login", "/jobs/12", "/jobs/3f2a9c4e-0000-4000-8000-000000000000", "/nodes", "/policies",
                "/outputs", "/account")) {
            HttpResponse<String> r = api.send(api.request(path).GET());
            assertThat(r.statusCode()).as(path).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type").orElse("")).as(path).startsWith("text/html");
            assertThat(r.headers().firstValue("Content-Security-Policy").orElse("")).as(path).contains("script-src 'self'")
                    .doesNotContain("unsafe-inline");
            assertThat(r.body()).as(path).startsWith("<!DOCTYPE html>").doesNotContain("<script>");
        }
        HttpResponse<String> js = api.send(api.request("/web/app.js").GET());
        assertThat(js.statusCode()).isEqualTo(200);
        assertThat(js.headers().firstValue("Content-Type").orElse("")).startsWith("text/javascript");
        assertThat(js.body()).contains("X-CSRF-Token");
        for (String script : List.of("app.js", "login.js", "jobs.js", "job.js", "nodes.js", "policies.js", "outputs.js", "account.js")) {
            // Data goes into pages as text only: file names are user input.
            assertThat(api.send(api.request("/web/" + script).GET()).body()).as(script).doesNotContain("innerHTML", "outerHTML",
                    "insertAdjacentHTML", "document.write");
        }
        HttpResponse<String> hls = api.send(api.request("/web/hls.min.js").GET());
        assertThat(hls.statusCode()).isEqualTo(200);
        assertThat(hls.body()).contains("1.4.12");
        assertThat(api.send(api.request("/web/app.css").GET()).statusCode()).isEqualTo(200);
        assertThat(api.send(api.request("/web/no-such.js").GET()).statusCode()).isEqualTo(404);
    }

    @Test
    void nothingElseOpensThroughTheDashboardsPaths() {
        start();
        for (String path : List.of("/web/../api/v1/jobs", "/web/%2e%2e/api/v1/jobs", "/jobs/../api/v1/jobs", "/jobs/1/../../api/v1/jobs",
                "/web/app.js/../../api/v1/jobs", "/jobs/1/files/a.mp4", "/web/", "/jobs/")) {
            HttpResponse<String> r = api.send(api.request(path).GET());
            assertThat(r.statusCode()).as(path).isIn(400, 401);
        }
        assertThat(api.send(api.request("/").POST(HttpRequest.BodyPublishers.ofString("x"))).statusCode()).isEqualTo(401);
    }
}
