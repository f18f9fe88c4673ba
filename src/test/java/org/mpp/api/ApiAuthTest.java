package org.mpp.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mpp.store.ApiKeyStore;
import org.mpp.store.UserStore;

class ApiAuthTest {
    private static final String PASSWORD = "correct horse battery";
    @TempDir
    Path dir;
    ApiFixture api;

    @AfterEach
    void tearDown() {
        if (api != null) {
            api.close();
        }
    }

    private void startWithLogin(String extra) {
        api = ApiFixture.start(dir, extra);
        new UserStore(api.db).add("operator", PASSWORD.toCharArray());
    }

    private HttpResponse<String> login(String user, String password) {
        return api.send(api.request("/api/v1/login").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"" + user + "\",\"password\":\"" + password + "\"}")));
    }

    /** The value of cookie {@code name} among the response's Set-Cookie headers. */
    private static String cookie(HttpResponse<?> r, String name) {
        return r.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith(name + "=")).findFirst()
                .map(c -> c.substring(name.length() + 1, c.indexOf(';'))).orElseThrow(() -> new AssertionError("no cookie " + name));
    }

    @Test
    void everyApiPathWithoutCredentialsAnswers401WithAnErrorBody() {
        startWithLogin("");
        for (String path : List.of("/api/v1/jobs", "/api/v1/nodes", "/api/v1/policies", "/api/v1/outputs", "/api/v1/jobs/1",
                "/api/v1/jobs/1/files/a.mp4", "/api/v1/no-such-endpoint", "/health/../api/v1/jobs", "/health/%2e%2e/api/v1/jobs",
                "/health/live/../../api/v1/jobs", "//api/v1/jobs", "/API/v1/jobs", "/api/v1/jobs/", "/api/v1/login/../jobs")) {
            HttpResponse<String> r = api.send(api.request(path).GET());
            if (r.statusCode() == 400) {
                continue; // Jetty refuses an ambiguous path before any route sees it: as good as a 401.
            }
            assertThat(r.statusCode()).as(path).isEqualTo(401);
            JsonNode body = ApiFixture.json(r);
            assertThat(body.get("error").asText()).isEqualTo("unauthorized");
            assertThat(body.get("detail").asText()).isNotBlank();
        }
        HttpResponse<String> post = api.send(api.request("/api/v1/jobs?name=a.mp4").POST(HttpRequest.BodyPublishers.ofString("x")));
        assertThat(post.statusCode()).isEqualTo(401);
        assertThat(api.work.resolve("source/a.mp4")).doesNotExist();
    }

    @Test
    void aValidKeyIsLetInAndAnUnknownOneIsNot() {
        startWithLogin("");
        assertThat(api.get("/api/v1/jobs").statusCode()).isEqualTo(200);
        assertThat(api.send(api.request("/api/v1/jobs").header("Authorization", "Bearer " + ApiKeyStore.PREFIX + "made-up").GET())
                .statusCode()).isEqualTo(401);
        assertThat(api.send(api.request("/api/v1/jobs").header("Authorization", "Basic " + api.key).GET()).statusCode()).isEqualTo(401);
    }

    @Test
    void aRevokedKeyAnswers401AtOnce() {
        startWithLogin("");
        assertThat(api.get("/api/v1/jobs").statusCode()).isEqualTo(200);

        assertThat(new ApiKeyStore(api.db).revoke("test")).isTrue();

        assertThat(api.get("/api/v1/jobs").statusCode()).isEqualTo(401);
    }

    @Test
    void healthAndTheOpenApiDocumentNeedNoCredentials() {
        startWithLogin("");
        assertThat(api.send(api.request("/health/live").GET()).statusCode()).isEqualTo(200);
        HttpResponse<String> ready = api.send(api.request("/health/ready").GET());
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ApiFixture.json(ready).get("database").asBoolean()).isTrue();
        assertThat(api.send(api.request("/api/v1/openapi.json").GET()).statusCode()).isEqualTo(200);
        assertThat(api.send(api.request("/metrics").GET()).statusCode()).isEqualTo(200);
    }

    @Test
    void aWrongPasswordAnswers401AndSetsNoCookie() {
        startWithLogin("");
        HttpResponse<String> r = login("operator", "not the password");

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().allValues("Set-Cookie")).isEmpty();
        assertThat(login("nobody", PASSWORD).statusCode()).isEqualTo(401);
    }

    @Test
    void aLoginSessionReadsFreelyButNeedsTheCsrfTokenToChangeAnything() {
        startWithLogin("");
        HttpResponse<String> r = login("operator", PASSWORD);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        String session = cookie(r, Authentication.SESSION_COOKIE);
        String csrf = ApiFixture.json(r).get("csrfToken").asText();
        assertThat(cookie(r, Authentication.CSRF_COOKIE)).isEqualTo(csrf);
        assertThat(r.headers().allValues("Set-Cookie")).anySatisfy(c -> assertThat(c).startsWith("mpp_session=").contains("HttpOnly")
                .contains("SameSite=Strict"));
        String cookieHeader = "mpp_session=" + session;

        assertThat(api.send(api.request("/api/v1/policies").header("Cookie", cookieHeader).GET()).statusCode()).isEqualTo(200);
        HttpResponse<String> noToken = api.send(api.request("/api/v1/policies").header("Cookie", cookieHeader)
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString("{\"failureTolerance\": 5}")));
        assertThat(noToken.statusCode()).isEqualTo(403);
        assertThat(ApiFixture.json(noToken).get("error").asText()).isEqualTo("forbidden");
        HttpResponse<String> wrongToken = api.send(api.request("/api/v1/policies").header("Cookie", cookieHeader)
                .header("X-CSRF-Token", csrf + "x").header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"failureTolerance\": 5}")));
        assertThat(wrongToken.statusCode()).isEqualTo(403);
        assertThat(api.get("/api/v1/policies").body()).doesNotContain("\"failureTolerance\":\"5\"");

        HttpResponse<String> withToken = api.send(api.request("/api/v1/policies").header("Cookie", cookieHeader)
                .header("X-CSRF-Token", csrf).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"failureTolerance\": 5}")));
        assertThat(withToken.statusCode()).as(withToken.body()).isEqualTo(200);
        assertThat(ApiFixture.json(withToken).get("failureTolerance").asText()).isEqualTo("5");

        HttpResponse<String> logout = api.send(api.request("/api/v1/logout").header("Cookie", cookieHeader).header("X-CSRF-Token", csrf)
                .POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(logout.statusCode()).isEqualTo(204);
        assertThat(api.send(api.request("/api/v1/policies").header("Cookie", cookieHeader).GET()).statusCode()).isEqualTo(401);
    }

    @Test
    void aSessionFromOneServerIsValidOnAnotherServingTheSameDatabase() {
        startWithLogin("");
        String session = cookie(login("operator", PASSWORD), Authentication.SESSION_COOKIE);
        try (ApiServer other = ApiServer.start(api.settings, api.db)) {
            HttpResponse<String> r = api.send(HttpRequest.newBuilder(java.net.URI.create(other.url() + "/api/v1/jobs"))
                    .header("Cookie", "mpp_session=" + session).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
        }
    }

    @Test
    void deletingALoginEndsItsSessions() {
        startWithLogin("");
        String session = cookie(login("operator", PASSWORD), Authentication.SESSION_COOKIE);
        assertThat(api.send(api.request("/api/v1/jobs").header("Cookie", "mpp_session=" + session).GET()).statusCode()).isEqualTo(200);

        assertThat(new UserStore(api.db).delete("operator")).isTrue();

        assertThat(api.send(api.request("/api/v1/jobs").header("Cookie", "mpp_session=" + session).GET()).statusCode()).isEqualTo(401);
    }

    @Test
    void repeatedFailedLoginsAreRefusedEvenWithTheRightPassword() {
        startWithLogin("");
        for (int i = 0; i < LoginThrottle.PER_USER; i++) {
            assertThat(login("operator", "guess " + i).statusCode()).isEqualTo(401);
        }

        HttpResponse<String> r = login("operator", PASSWORD);

        assertThat(r.statusCode()).isEqualTo(429);
        assertThat(r.headers().firstValue("Retry-After")).isPresent();
        assertThat(r.headers().allValues("Set-Cookie")).isEmpty();
    }

    @Test
    void metricsNeedAKeyWhenMetricsAuthIsOn() {
        startWithLogin("mpp.api.metrics-auth = true");
        assertThat(api.send(api.request("/metrics").GET()).statusCode()).isEqualTo(401);
        assertThat(api.get("/metrics").statusCode()).isEqualTo(200);
    }

    @Test
    void anErrorNeverShowsAStackTrace() {
        startWithLogin("");
        HttpResponse<String> r = api.send(api.authorised("/api/v1/jobs").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{not json")));

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(ApiFixture.json(r).fieldNames()).toIterable().containsExactlyInAnyOrder("error", "detail");
        assertThat(r.body()).doesNotContain("Exception").doesNotContain("at org.");
    }
}
