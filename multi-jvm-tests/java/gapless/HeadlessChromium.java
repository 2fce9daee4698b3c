package gapless;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import gapless.tools.LocalCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Collectors;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real headless Chromium (Debian's chromium and chromium-driver, which .ci/install-test-tools
 * installs) for the console's tests; a test without them is skipped, saying why.
 */
final class HeadlessChromium {

  private HeadlessChromium() {}

  /** A browser allowed to reach every node of {@code cluster}; {@code arguments} are Chromium's. */
  static WebDriver open(LocalCluster cluster, String... arguments) {
    Path chromium = Path.of("/usr/bin/chromium");
    Path chromedriver = Path.of("/usr/bin/chromedriver");
    assumeTrue(Files.isExecutable(chromium) && Files.isExecutable(chromedriver),
        "chromium and chromium-driver not installed (Debian packages, .ci/install-test-tools): the console is not tested");
    ChromeOptions options = new ChromeOptions().setBinary(chromium.toFile())
        .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1400",
            // The test's ports are the example cluster's plus an offset: 10080 is one Chromium blocks unless told.
            "--explicitly-allowed-ports=" + cluster.nodeIds().stream().map(n -> String.valueOf(cluster.httpUrl(n).getPort()))
                .collect(Collectors.joining(",")))
        .addArguments(arguments);
    return new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(chromedriver.toFile()).build(), options);
  }

  /** A wait for the console, whose tables are redrawn every 2 s (an element found before a redraw is stale: look again). */
  static WebDriverWait await(WebDriver browser) {
    WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
    wait.ignoring(StaleElementReferenceException.class);
    return wait;
  }

  /** A screenshot in target/console/, for a person to look at. */
  static void screenshot(WebDriver browser, String name) throws java.io.IOException {
    Path shots = Files.createDirectories(Path.of(System.getProperty("gapless.jar", "target/gapless.jar")).getParent()
        .resolve("console"));
    Files.write(shots.resolve(name + ".png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
  }

  /** What the console's member table says of {@code node}'s reachability, or "" before it lists the node. */
  static String reachability(WebDriver page, String node) {
    return page.findElements(By.cssSelector("#members tr[data-node='" + node + "'] td.reachable")).stream()
        .map(WebElement::getText).findFirst().orElse("");
  }
}
