package org.mpp.testdash;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.mpp.testweb.BrowserSetup;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.logging.LogType;

/**
 * Headless Chromium (the Debian packages, through {@link BrowserSetup}) driving the dashboard: open a page, find
 * controls by name or id, wait for a condition (bounded, polled every 100 ms), run a script, save a screenshot under
 * {@code target/dashboard-screenshots/}. Not thread-safe.
 */
final class DashboardBrowser implements AutoCloseable {
    static final Path SCREENSHOTS = Path.of(System.getProperty("basedir", "."), "target", "dashboard-screenshots");
    private final ChromeDriver driver;

    private DashboardBrowser(ChromeDriver driver) {
        this.driver = driver;
    }

    /**
     * For JUnit: returns when Chromium and chromedriver are there; otherwise skips, or fails when the environment variable CI
     * is {@code true} (CI installs them and must not skip these tests).
     */
    static void assumeAvailable() {
        List<String> missing = BrowserSetup.fromEnvironment().missingBrowser();
        String message = "the dashboard's browser tests need: " + String.join("; ", missing);
        if (!missing.isEmpty() && "true".equals(System.getenv("CI"))) {
            Assertions.fail(message + " — .ci/run installs these; CI must not skip the browser tests");
        }
        Assumptions.assumeTrue(missing.isEmpty(), message);
    }

    static DashboardBrowser open() {
        return new DashboardBrowser(BrowserSetup.fromEnvironment().startDriver(Duration.ofSeconds(30)));
    }

    void go(String url) {
        driver.get(url);
    }

    String path() {
        return String.valueOf(js("return location.pathname + location.search"));
    }

    WebElement named(String name) {
        return driver.findElement(By.name(name));
    }

    WebElement id(String id) {
        return driver.findElement(By.id(id));
    }

    List<WebElement> all(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    /** The text of the element with this id ("" when there is none, or it is hidden). */
    String text(String id) {
        List<WebElement> found = driver.findElements(By.id(id));
        return found.isEmpty() ? "" : found.get(0).getText();
    }

    Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    /** Waits until {@code condition} is true (exceptions count as false); fails naming {@code what} and the page's state. */
    void waitFor(String what, Duration timeout, Supplier<Boolean> condition) {
        long end = System.nanoTime() + timeout.toNanos();
        RuntimeException last = null;
        while (System.nanoTime() < end) {
            try {
                if (Boolean.TRUE.equals(condition.get())) {
                    return;
                }
            } catch (WebDriverException | IllegalStateException | NullPointerException e) {
                last = e;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        Assertions.fail("waited " + timeout.toSeconds() + " s for " + what + " on " + path() + "; page says: "
                + text("main").replace('\n', ' ') + (last == null ? "" : "; last error: " + last));
    }

    void waitFor(String what, Supplier<Boolean> condition) {
        waitFor(what, Duration.ofSeconds(20), condition);
    }

    /** Moves the mouse over {@code e}, at {@code fraction} of its width from its left edge, in its middle. */
    void hover(WebElement e, double fraction) {
        int width = e.getSize().getWidth();
        new Actions(driver).moveToElement(e, (int) Math.round(width * (fraction - 0.5)), 0).perform();
    }

    /** The browser console's messages since the last call (Chromium hands each out once), e.g. CSP refusals. */
    List<String> console() {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream().map(e -> e.getLevel() + " " + e.getMessage()).toList();
    }

    /** Accepts the confirm() dialog the page opened. */
    void accept() {
        driver.switchTo().alert().accept();
    }

    /** Saves the whole page (the window grown to the page's height) at {@code width} CSS pixels as {@code name-WIDTH.png}. */
    Path screenshot(String name, int width) {
        driver.manage().window().setSize(new Dimension(width, 900));
        long height = ((Number) js("return Math.ceil(document.documentElement.scrollHeight)")).longValue();
        driver.manage().window().setSize(new Dimension(width, (int) Math.min(4000, Math.max(900, height + 140))));
        js("window.scrollTo(0, 0)");
        try {
            Path f = SCREENSHOTS.resolve(name + "-" + width + ".png");
            Files.createDirectories(SCREENSHOTS);
            Files.write(f, driver.getScreenshotAs(OutputType.BYTES));
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            driver.manage().window().setSize(new Dimension(1280, 900));
        }
    }

    @Override
    public void close() {
        driver.quit();
    }
}
