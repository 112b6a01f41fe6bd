package modrelay.loadtests.access;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's chromium, headless, driven by its own chromium-driver (no driver download): what the
 * console's browser tests run in. In CI (.ci/run installs both) a missing browser fails; elsewhere it skips.
 */
final class Browser implements AutoCloseable {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    static final Path SCREENSHOTS = Path.of("target", "console-screenshots");

    final ChromeDriver driver;
    final WebDriverWait wait;

    private Browser(ChromeDriver driver) {
        this.driver = driver;
        this.wait = new WebDriverWait(driver, Duration.ofSeconds(20));
    }

    static Browser start(Path profile) {
        boolean installed = Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER);
        if (System.getenv("CI") != null) assertTrue(installed, "chromium and chromium-driver are not installed (.ci/run installs them)");
        assumeTrue(installed, "chromium/chromium-driver not installed (apt-get install chromium chromium-driver); skipped outside CI");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1280,900", "--user-data-dir=" + profile.toAbsolutePath(), "--no-first-run",
                "--disable-extensions", "--disable-background-networking", "--lang=en-US");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(DRIVER.toString()))
                .usingAnyFreePort().build();
        return new Browser(new ChromeDriver(service, options));
    }

    WebElement visible(By by) {
        return wait.until(ExpectedConditions.visibilityOfElementLocated(by));
    }

    void page(String baseUrl, String hash) {
        driver.get(baseUrl + "/admin/" + hash);
    }

    /** Waits until the page named has drawn its data (main[data-page=name][data-loaded=true]). */
    void loaded(String name) {
        wait.until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("main[data-page='" + name + "'][data-loaded='true']")));
    }

    /** Signs in through the form, from a tab without a token. */
    void signIn(String baseUrl, String token) {
        page(baseUrl, "#/overview");
        js("sessionStorage.clear()");
        driver.navigate().refresh();
        WebElement input = visible(By.id("token"));
        input.clear();
        input.sendKeys(token);
        driver.findElement(By.id("signin-submit")).click();
        loaded("overview");
    }

    Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    Path screenshot(String name) throws Exception {
        Files.createDirectories(SCREENSHOTS);
        Path to = SCREENSHOTS.resolve(name + ".png");
        Files.write(to, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
        return to;
    }

    void size(int width, int height) {
        driver.manage().window().setSize(new Dimension(width, height));
    }

    /** The browser console's messages since the last call (CSP violations show up here). */
    List<String> consoleMessages() {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream().map(LogEntry::getMessage).toList();
    }

    @Override
    public void close() {
        driver.quit();
    }
}
