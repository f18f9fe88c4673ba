package org.mpp.testdash;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mpp.ladder.OutputSpec;
import org.mpp.media.DemoClip;
import org.mpp.store.ControlStore;
import org.mpp.store.TestDatabases;
import org.openqa.selenium.Keys;

/**
 * The dashboard over MariaDB (a fresh database; skipped without a server or a browser, except under CI=true): log in
 * with the keyboard, upload, watch the job complete, play it, switch a policy, change the password (the other session
 * ends), log out.
 */
class DashboardOnMariaDbTest {
    @TempDir
    static Path dir;
    static TestDatabases.Fresh fresh;
    static DashboardSite site;
    static DashboardBrowser browser;

    @BeforeAll
    static void start() {
        DashboardBrowser.assumeAvailable();
        fresh = TestDatabases.mariaDb();
        site = new DashboardSite(dir, "mpp.db.url = \"" + fresh.url() + "\"\nmpp.db.user = \"" + fresh.user() + "\"\n"
                + (fresh.password().isEmpty() ? "" : "mpp.db.password = \"" + fresh.password() + "\"\n"));
        ControlStore control = site.control();
        for (ControlStore.OutputRow r : control.outputs()) {
            control.setOutputActive(r.id(), false);
        }
        control.addOutput(new OutputSpec(640, 360, 30, "ultrafast", "main", 30, 96));
        control.addOutput(new OutputSpec(426, 240, 30, "ultrafast", "main", 30, 64));
        browser = DashboardBrowser.open();
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        if (site != null) {
            site.close();
        }
        if (fresh != null) {
            fresh.close();
        }
    }

    @Test
    void anOperatorsSessionFromLoginToLogout() throws Exception {
        assertThat(site.db.dialect().name()).isEqualTo("MARIADB");
        Path clip = DemoClip.write(dir.resolve("clips").resolve("maria.mp4"), 640, 360, 30, 6);
        browser.go(site.url("/jobs/1"));
        browser.waitFor("the login page", () -> browser.path().equals("/login?next=%2Fjobs%2F1"));
        browser.named("username").sendKeys(DashboardSite.USER);
        browser.named("password").sendKeys(DashboardSite.PASSWORD + Keys.ENTER);
        browser.waitFor("the page asked for", () -> browser.path().equals("/jobs/1"));

        browser.go(site.url("/"));
        browser.named("file").sendKeys(clip.toString());
        browser.named("upload").click();
        browser.waitFor("the upload", () -> browser.text("upload-status").startsWith("Uploaded maria.mp4"));
        long id = site.jobs().list(1).get(0).id();
        browser.waitFor("complete", Duration.ofSeconds(180), () -> browser.text("job-" + id).contains("complete"));

        browser.all("#job-" + id + " a").get(0).click();
        browser.waitFor("the player", () -> browser.id("player-section").isDisplayed());
        browser.js("document.getElementById('player').play()");
        browser.waitFor("playback past 3 s", Duration.ofSeconds(30),
                () -> ((Number) browser.js("return document.getElementById('player').currentTime")).doubleValue() > 3);
        assertThat((java.util.List<?>) browser.js("return window.mppPlayer.errors")).isEmpty();

        browser.go(site.url("/policies"));
        browser.waitFor("the switches", () -> browser.named("exportEnabled").isSelected());
        browser.named("exportEnabled").click();
        browser.named("save").click();
        browser.waitFor("the save", () -> browser.text("policies-status").startsWith("Saved: exportEnabled"));
        assertThat(site.control().policyRows()).containsEntry("exportEnabled", "0");

        HttpClient http = HttpClient.newHttpClient();
        String other = login(http);
        browser.go(site.url("/account"));
        browser.named("currentPassword").sendKeys(DashboardSite.PASSWORD);
        browser.named("newPassword").sendKeys("mariadb-password-2");
        browser.named("repeatPassword").sendKeys("mariadb-password-2" + Keys.ENTER);
        browser.waitFor("the change", () -> browser.text("password-status").startsWith("Password changed"));
        assertThat(http.send(HttpRequest.newBuilder(URI.create(site.url("/api/v1/jobs"))).header("Cookie", other).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(401);

        browser.named("logout").click();
        browser.waitFor("the login page", () -> browser.path().equals("/login"));
        browser.go(site.url("/"));
        browser.waitFor("the login page again", () -> browser.path().startsWith("/login"));
    }

    private static String login(HttpClient http) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(site.url("/api/v1/login"))).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"" + DashboardSite.USER + "\",\"password\":\"" + DashboardSite.PASSWORD
                        + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        String c = r.headers().allValues("Set-Cookie").stream().filter(x -> x.startsWith("mpp_session=")).findFirst().orElseThrow();
        return c.substring(0, c.indexOf(';'));
    }
}
