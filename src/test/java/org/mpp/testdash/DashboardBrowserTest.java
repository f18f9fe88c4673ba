package org.mpp.testdash;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.mpp.media.DemoClip;
import org.mpp.store.ControlStore;
import org.mpp.store.JobView;
import org.openqa.selenium.WebElement;

/**
 * The dashboard in headless Chromium against a real node, the API on loopback and the embedded database, with real
 * encodes of an 8 s generated clip: one operator's session from login to logout, in order (each test builds on the
 * ones before). Skipped without Chromium and chromedriver, except under CI=true.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardBrowserTest {
    private static final Duration ENCODE = Duration.ofSeconds(180);
    private static final String NEW_PASSWORD = "second-password-2";

    @TempDir
    static Path dir;
    static DashboardSite site;
    static DashboardBrowser browser;
    static Path clip;
    static long firstJob;
    static long brokenJob;

    @BeforeAll
    static void start() {
        DashboardBrowser.assumeAvailable();
        clip = DemoClip.write(dir.resolve("clips").resolve("bars & \"tone\" <b>.mp4"), 640, 360, 30, 8);
        site = new DashboardSite(dir);
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
    }

    @Test
    @Order(1)
    void aPageNeedsALoginAndAWrongPasswordIsRefused() {
        browser.go(site.url("/"));
        browser.waitFor("the login page", () -> browser.path().equals("/login"));
        browser.named("username").sendKeys(DashboardSite.USER);
        browser.named("password").sendKeys("not-the-password");
        browser.named("login").click();
        browser.waitFor("the refusal", () -> browser.text("login-error").contains("Wrong login name or password"));
        browser.screenshot("login", 1280);
        browser.screenshot("login", 390);

        browser.named("password").clear();
        browser.named("password").sendKeys(DashboardSite.PASSWORD);
        browser.named("login").click();
        browser.waitFor("the jobs page", () -> browser.path().equals("/") && browser.text("who").contains(DashboardSite.USER));
    }

    @Test
    @Order(2)
    void theLadderCanBeEditedAndItsValidationIsShown() {
        browser.go(site.url("/outputs"));
        browser.waitFor("the seed's two rungs", () -> browser.all("#outputs tbody tr").size() == 2);
        for (ControlStore.OutputRow r : site.control().outputs()) {
            browser.named("disable-" + r.id()).click();
            browser.waitFor("output " + r.id() + " disabled", () -> !site.control().outputs().stream()
                    .filter(o -> o.id() == r.id()).findFirst().orElseThrow().active());
        }
        addRung("640", "360", "99", "96");
        browser.waitFor("the API's validation next to the form", () -> browser.text("output-error").toLowerCase().contains("crf"));
        assertThat(site.control().outputs()).hasSize(2);

        browser.named("crf").clear();
        browser.named("crf").sendKeys("30");
        browser.named("save-output").click();
        browser.waitFor("the 360p rung", () -> browser.all("#outputs tbody tr").size() == 3);
        // Another audio bit rate than the 360p rung's: the player must switch audio groups too.
        addRung("426", "240", "30", "64");
        browser.waitFor("the 240p rung", () -> browser.all("#outputs tbody tr").size() == 4);
        assertThat(site.control().activeOutputs()).extracting(o -> o.maxY()).containsExactlyInAnyOrder(360, 240);

        long rung = site.control().outputs().stream().filter(o -> o.spec() != null && o.spec().maxY() == 240).findFirst().orElseThrow().id();
        browser.named("edit-" + rung).click();
        browser.named("crf").clear();
        browser.named("crf").sendKeys("28");
        browser.named("save-output").click();
        browser.waitFor("the edit saved", () -> browser.text("output-status").contains("Saved output " + rung));
        assertThat(site.control().outputs().stream().filter(o -> o.id() == rung).findFirst().orElseThrow().spec().crf()).isEqualTo(28);
        browser.screenshot("outputs", 1280);
        browser.screenshot("outputs", 390);
    }

    /** The option of the select named {@code name} whose text starts with {@code text}. */
    private static WebElement option(String name, String text) {
        return browser.named(name).findElements(org.openqa.selenium.By.tagName("option")).stream().filter(o -> o.getText().startsWith(text))
                .findFirst().orElseThrow(() -> new AssertionError("no option " + text + " in " + name));
    }

    private static void addRung(String maxX, String maxY, String crf, String audioKbps) {
        for (String[] field : new String[][] {{"maxX", maxX}, {"maxY", maxY}, {"crf", crf}, {"maxFramerate", "30"}, {"audioBitrate", audioKbps}}) {
            browser.named(field[0]).clear();
            browser.named(field[0]).sendKeys(field[1]);
        }
        option("preset", "ultrafast").click();
        option("profile", "main").click();
        browser.named("save-output").click();
    }

    @Test
    @Order(3)
    void anUploadTooLargeIsShownAsFailed() throws IOException {
        browser.go(site.url("/"));
        Path big = dir.resolve("clips").resolve("too-large.mp4");
        Files.write(big, new byte[3 * 1024 * 1024]);
        browser.named("file").sendKeys(big.toString());
        browser.named("upload").click();
        browser.waitFor("the failed upload", () -> browser.text("upload-status").startsWith("Upload of too-large.mp4 failed"));
        assertThat(site.jobs().list(10)).isEmpty();
    }

    @Test
    @Order(4)
    void anUploadedClipReachesCompleteInTheLiveList() {
        browser.go(site.url("/"));
        browser.named("file").sendKeys(clip.toString());
        browser.named("upload").click();
        browser.waitFor("the upload", () -> browser.text("upload-status").startsWith("Uploaded " + clip.getFileName()));
        firstJob = site.jobs().list(1).get(0).id();
        // The page is never reloaded: the row moves through the stages by polling alone.
        browser.js("window.sameDocument = true");
        browser.waitFor("the job's row to say complete", ENCODE,
                () -> browser.text("job-" + firstJob).contains("complete"));
        assertThat(browser.js("return window.sameDocument")).isEqualTo(true);
        assertThat(browser.text("job-" + firstJob)).contains(clip.getFileName().toString()).contains("100 %");
        assertThat(browser.text("page-info")).isEqualTo("Jobs 1–1, newest first");
        assertThat(browser.named("older").isEnabled()).isFalse();
        // The name is shown as text, never as markup.
        assertThat(browser.all("#jobs b")).isEmpty();
        browser.screenshot("jobs", 1280);
        browser.screenshot("jobs", 390);
    }

    @Test
    @Order(5)
    void theJobPagePlaysTheStreamAndSwitchesRenditions() {
        browser.console();
        browser.go(site.url("/"));
        browser.waitFor("the job's link", () -> !browser.all("#job-" + firstJob + " a").isEmpty());
        browser.all("#job-" + firstJob + " a").get(0).click();
        browser.waitFor("the player", () -> browser.id("player-section").isDisplayed());
        assertThat(browser.text("media")).contains("640×360").contains("h264").contains("aac");
        assertThat(browser.all("#renditions tbody tr")).hasSize(2);
        assertThat(browser.all("#files a")).isNotEmpty();

        browser.js("document.getElementById('player').play()");
        browser.waitFor("playback past 3 s", Duration.ofSeconds(30),
                () -> ((Number) browser.js("return document.getElementById('player').currentTime")).doubleValue() > 3);
        assertThat(playerErrors()).isEmpty();

        browser.waitFor("the levels in the picker", () -> browser.all("#rendition option").size() == 3);
        assertThat(browser.all("#rendition option")).extracting(WebElement::getText).anyMatch(t -> t.startsWith("360p")).anyMatch(t -> t.startsWith("240p"))
                .first().isEqualTo("auto");
        for (int height : new int[] {240, 360}) {
            option("rendition", height + "p").click();
            browser.js("var v = document.getElementById('player'); v.currentTime = 0.5; v.play()");
            browser.waitFor("the " + height + "p picture", Duration.ofSeconds(30),
                    () -> ((Number) browser.js("return document.getElementById('player').videoHeight")).intValue() == height
                            && browser.text("level").startsWith("Playing " + height + "p"));
        }
        assertThat(playerErrors()).isEmpty();

        List<WebElement> thumbs = browser.all("#thumbnails button");
        assertThat(thumbs).hasSizeGreaterThanOrEqualTo(3);
        thumbs.get(2).click();
        browser.waitFor("the seek from a preview", () -> {
            double t = ((Number) browser.js("return document.getElementById('player').currentTime")).doubleValue();
            return t >= 4 && t < 6;
        });
        browser.js("document.getElementById('player').pause()");

        // The seek bar: the thumbnail under the pointer shows above it; the keyboard moves it.
        browser.hover(browser.named("seek"), 0.8);
        browser.waitFor("the preview over the seek bar", () -> browser.id("scrub-preview").isDisplayed());
        double duration = ((Number) browser.js("return document.getElementById('player').duration")).doubleValue();
        double shown = Double.parseDouble(browser.id("scrub-preview").getAttribute("data-time"));
        assertThat(shown).isCloseTo(0.8 * duration, org.assertj.core.data.Offset.offset(0.6));
        assertThat(String.valueOf(browser.js("return document.querySelector('#scrub-preview .tile').style.backgroundImage")))
                .contains("thumbnails-1.jpg");
        browser.screenshot("job-seek-preview", 1280);
        browser.named("seek").sendKeys(org.openqa.selenium.Keys.HOME);
        browser.waitFor("the start, by keyboard", () -> ((Number) browser.js("return document.getElementById('player').currentTime"))
                .doubleValue() < 0.5);
        browser.screenshot("job", 1280);
        browser.screenshot("job", 390);
        // The Content-Security-Policy let everything the page and hls.js (a worker from a blob: URL) need through.
        assertThat(browser.console()).noneMatch(m -> m.contains("Content Security Policy") || m.contains("Refused to"));
    }

    @Test
    @Order(6)
    void aFileDroppedOnThePageIsUploadedAndItsFailureShown() {
        browser.go(site.url("/"));
        browser.waitFor("the list", () -> !browser.all("#job-" + firstJob).isEmpty());
        // What a drop from the file manager delivers: a DragEvent whose DataTransfer holds the file.
        browser.js("var dt = new DataTransfer(); dt.items.add(new File(['not a video at all'], 'dropped.mp4', {type: 'video/mp4'}));"
                + "document.getElementById('drop').dispatchEvent(new DragEvent('drop', {dataTransfer: dt, bubbles: true, cancelable: true}))");
        browser.waitFor("the upload", () -> browser.text("upload-status").startsWith("Uploaded dropped.mp4"));
        brokenJob = site.jobs().list(1).get(0).id();
        browser.waitFor("the failed row with its reason", ENCODE, () -> browser.text("job-" + brokenJob).contains("failed")
                && !browser.all("#job-" + brokenJob + " td.reason").get(0).getText().isBlank());
        assertThat(browser.all("[name=retry-" + brokenJob + "]")).hasSize(1);
        browser.screenshot("jobs-failed", 1280);
    }

    @SuppressWarnings("unchecked")
    private static List<Object> playerErrors() {
        return (List<Object>) browser.js("return window.mppPlayer.errors");
    }

    @Test
    @Order(7)
    void aPolicySwitchIsSavedInTheDatabase() {
        browser.go(site.url("/policies"));
        browser.waitFor("the switches", () -> browser.named("ingestEnabled").isSelected());
        browser.named("ingestEnabled").click();
        browser.named("save").click();
        browser.waitFor("the save", () -> browser.text("policies-status").startsWith("Saved: ingestEnabled"));
        assertThat(site.control().policyRows()).containsEntry("ingestEnabled", "0");

        browser.named("failureTolerance").clear();
        browser.named("failureTolerance").sendKeys("0");
        browser.named("save").click();
        browser.waitFor("the API's refusal", () -> browser.text("policies-status").startsWith("Not saved"));
        assertThat(site.control().policyRows()).containsEntry("failureTolerance", "3");
        browser.screenshot("policies", 1280);
        browser.screenshot("policies", 390);
    }

    @Test
    @Order(8)
    void aWaitingJobCanBePausedResumedAndReprioritisedAndAFailedOneRetried() throws IOException {
        // Ingest is off (the test before): the second job waits, imported, however fast the machine is.
        Path second = Files.copy(clip, dir.resolve("clips").resolve("second.mp4"));
        browser.go(site.url("/"));
        browser.named("file").sendKeys(second.toString());
        browser.named("upload").click();
        browser.waitFor("the upload", () -> browser.text("upload-status").startsWith("Uploaded second.mp4"));
        JobView job = site.jobs().list(1).get(0);
        browser.waitFor("the pause button", () -> !browser.all("[name=pause-" + job.id() + "]").isEmpty());

        browser.named("pause-" + job.id()).click();
        browser.waitFor("the paused row", () -> browser.text("job-" + job.id()).contains("paused"));
        assertThat(site.jobs().job(job.uuid()).orElseThrow().paused()).isTrue();
        browser.screenshot("jobs-paused", 1280);

        browser.named("resume-" + job.id()).click();
        browser.waitFor("the resumed row", () -> !browser.all("[name=pause-" + job.id() + "]").isEmpty());
        assertThat(site.jobs().job(job.uuid()).orElseThrow().paused()).isFalse();

        browser.named("priority-" + job.id()).clear();
        browser.named("priority-" + job.id()).sendKeys("7");
        browser.named("set-priority-" + job.id()).click();
        browser.waitFor("the new priority in the database", () -> site.jobs().job(job.uuid()).orElseThrow().priority() == 7);

        // With ingest off the retried job stays imported: no race with a node failing it again.
        browser.named("retry-" + brokenJob).click();
        browser.waitFor("the retried job back in the queue", () -> site.jobs().list(10).stream()
                .anyMatch(v -> v.id() == brokenJob && v.status() == org.mpp.store.Status.IMPORTED));
        browser.waitFor("its row without the retry button", () -> browser.all("[name=retry-" + brokenJob + "]").isEmpty());

        browser.named("delete-" + job.id()).click();
        browser.accept();
        browser.waitFor("the row gone", () -> browser.all("#job-" + job.id()).isEmpty());
        assertThat(site.jobs().job(job.uuid())).isEmpty();
        site.control().setPolicy("ingestEnabled", "1");
    }

    @Test
    @Order(9)
    void theNodesPageShowsTheNodeAndDeauthorisesIt() {
        browser.go(site.url("/nodes"));
        browser.waitFor("the node", () -> browser.all("#nodes tbody tr").size() == 1);
        String row = browser.all("#nodes tbody tr").get(0).getText();
        assertThat(row).contains("ingest").contains("s ago").contains("authorised");
        long id = Long.parseLong(browser.all("#nodes tbody tr").get(0).getAttribute("id").substring("node-".length()));
        browser.named("deauthorise-" + id).click();
        browser.waitFor("the deauthorised node", () -> !browser.all("[name=authorise-" + id + "]").isEmpty());
        browser.screenshot("nodes", 1280);
        browser.screenshot("nodes", 390);
        browser.named("authorise-" + id).click();
        browser.waitFor("the authorised node", () -> !browser.all("[name=deauthorise-" + id + "]").isEmpty());
    }

    @Test
    @Order(10)
    void aLostConnectionShowsABannerThatClearsWhenTheServerIsBack() {
        browser.go(site.url("/"));
        browser.waitFor("the list", () -> !browser.all("#job-" + firstJob).isEmpty());
        site.stopApi();
        try {
            browser.waitFor("the banner", () -> browser.id("connection").isDisplayed()
                    && browser.text("connection").startsWith("Lost connection"));
            browser.screenshot("jobs-offline", 1280);
        } finally {
            site.startApi();
        }
        browser.waitFor("the banner gone", () -> !browser.id("connection").isDisplayed());
        assertThat(browser.path()).isEqualTo("/");
    }

    @Test
    @Order(11)
    void changingThePasswordEndsTheOtherSessions() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String otherSession = login(http, DashboardSite.PASSWORD);
        assertThat(get(http, otherSession)).isEqualTo(200);

        browser.go(site.url("/account"));
        browser.named("currentPassword").sendKeys("wrong-password-0");
        browser.named("newPassword").sendKeys(NEW_PASSWORD);
        browser.named("repeatPassword").sendKeys(NEW_PASSWORD);
        browser.named("change-password").click();
        browser.waitFor("the refusal", () -> browser.text("password-status").contains("current password is wrong"));

        for (String field : new String[] {"currentPassword", "newPassword", "repeatPassword"}) {
            browser.named(field).clear();
        }
        browser.named("currentPassword").sendKeys(DashboardSite.PASSWORD);
        browser.named("newPassword").sendKeys(NEW_PASSWORD);
        browser.named("repeatPassword").sendKeys(NEW_PASSWORD);
        browser.named("change-password").click();
        browser.waitFor("the change", () -> browser.text("password-status").startsWith("Password changed"));
        browser.screenshot("account", 1280);

        assertThat(get(http, otherSession)).isEqualTo(401);
        assertThat(login(http, NEW_PASSWORD)).isNotNull();
        browser.go(site.url("/"));
        browser.waitFor("this session still in", () -> browser.path().equals("/") && browser.text("who").contains(DashboardSite.USER));
    }

    @Test
    @Order(12)
    void afterLogoutTheApiRefusesAndPagesGoBackToLogin() {
        browser.go(site.url("/"));
        browser.waitFor("the logout button", () -> browser.named("logout").isDisplayed());
        browser.named("logout").click();
        browser.waitFor("the login page", () -> browser.path().equals("/login"));
        Object status = browser.js("var r = new XMLHttpRequest(); r.open('GET', '/api/v1/jobs', false); r.send(); return r.status");
        assertThat(((Number) status).intValue()).isEqualTo(401);
        browser.go(site.url("/jobs/" + firstJob));
        browser.waitFor("the login page again", () -> browser.path().startsWith("/login?next="));
    }

    /** Logs in over HTTP (not the browser); the session cookie, or null when refused. */
    private static String login(HttpClient http, String password) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(site.url("/api/v1/login"))).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"" + DashboardSite.USER + "\",\"password\":\"" + password + "\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            return null;
        }
        return r.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("mpp_session=")).map(c -> c.substring(0, c.indexOf(';')))
                .findFirst().orElseThrow();
    }

    private static int get(HttpClient http, String cookie) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(site.url("/api/v1/jobs"))).header("Cookie", cookie).GET().build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
