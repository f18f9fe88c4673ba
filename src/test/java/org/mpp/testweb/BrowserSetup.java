package org.mpp.testweb;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * Where the browser, its driver and the players are, and how Chromium is started: the Debian packages
 * {@code chromium} and {@code chromium-driver}, and {@code npm ci} in {@code src/test/players}. The environment
 * variables {@code MPP_CHROMIUM} and {@code MPP_CHROMEDRIVER} point elsewhere. Selenium Manager is never asked for
 * anything: both paths are given explicitly, so nothing is downloaded.
 */
public record BrowserSetup(Path chromium, Path chromedriver, Path hlsJs, Path dashJs) {

    /** The defaults, with the environment's overrides; players relative to the Maven base directory. */
    public static BrowserSetup fromEnvironment() {
        Path base = Path.of(System.getProperty("basedir", "."));
        Path players = base.resolve("src/test/players/node_modules");
        return new BrowserSetup(
                Path.of(envOr("MPP_CHROMIUM", "/usr/bin/chromium")),
                Path.of(envOr("MPP_CHROMEDRIVER", "/usr/bin/chromedriver")),
                players.resolve("hls.js/dist/hls.min.js"),
                players.resolve("dashjs/dist/modern/umd/dash.all.min.js"));
    }

    /** What is missing, each with how to get it; empty when everything is in place. */
    List<String> missing() {
        List<String> out = missingBrowser();
        for (Path player : List.of(hlsJs, dashJs)) {
            if (!Files.isRegularFile(player)) {
                out.add(player + " (npm ci in src/test/players)");
            }
        }
        return out;
    }

    /** What the browser alone needs (the dashboard brings its own player): empty when Chromium and its driver are there. */
    public List<String> missingBrowser() {
        List<String> out = new ArrayList<>();
        if (!Files.isExecutable(chromium)) {
            out.add(chromium + " (apt-get install chromium, or set MPP_CHROMIUM)");
        }
        if (!Files.isExecutable(chromedriver)) {
            out.add(chromedriver + " (apt-get install chromium-driver, or set MPP_CHROMEDRIVER)");
        }
        return out;
    }

    /** The player files by the name the pages load them under {@code /players/}. */
    Map<String, Path> playerFiles() {
        return Map.of("hls.min.js", hlsJs, "dash.all.min.js", dashJs);
    }

    /** Starts chromedriver and a headless Chromium with sound muted and autoplay allowed. */
    public ChromeDriver startDriver(Duration scriptTimeout) {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.toFile());
        // Root in a container: no sandbox; /dev/shm is small there.
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--autoplay-policy=no-user-gesture-required", "--mute-audio", "--no-first-run",
                "--disable-extensions", "--window-size=1280,800");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(chromedriver.toFile())
                .usingAnyFreePort()
                .withTimeout(Duration.ofSeconds(30))
                .build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(20)).scriptTimeout(scriptTimeout);
        return driver;
    }

    private static String envOr(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }
}
