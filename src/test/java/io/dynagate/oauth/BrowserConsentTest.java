package io.dynagate.oauth;

import static io.dynagate.support.Admin.admin;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dynagate.sandbox.SandboxLifecycle;
import io.dynagate.support.Admin;
import io.dynagate.support.Consent;
import io.dynagate.support.Sandbox;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The consent as a person sees it: headless Chromium opens the authorize URL, clicks Accept on the
 * sandbox's consent page, is redirected to the gateway's callback page, and the proxy then works.
 *
 * <p>Needs the Debian packages {@code chromium} and {@code chromium-driver} ({@code .ci/run}
 * installs them). Selenium Manager is never used: nothing is downloaded at run time.
 */
@QuarkusTest
@TestProfile(BrowserConsentTest.FixedPort.class)
class BrowserConsentTest {
  private static final String CHROMIUM = "/usr/bin/chromium";
  private static final String CHROMEDRIVER = "/usr/bin/chromedriver";
  private static final Duration WAIT = Duration.ofSeconds(15);

  /**
   * The browser follows the sandbox's redirect to {@code dynagate.public-base-url}, so the gateway
   * must listen exactly there: a free port, used for both the test port and the public base URL.
   */
  public static class FixedPort implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      int port = freePort();
      return Map.of(
          "quarkus.http.test-port",
          Integer.toString(port),
          "dynagate.public-base-url",
          "http://localhost:" + port);
    }

    private static int freePort() {
      try (ServerSocket s = new ServerSocket(0)) {
        return s.getLocalPort();
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  @Inject SandboxLifecycle sandboxLifecycle;
  @Inject RedisDataSource redis;

  @ConfigProperty(name = "dynagate.public-base-url")
  String publicBaseUrl;

  @TestHTTPResource("/oauth2/callback")
  URL callbackUrl;

  private Sandbox sandbox;
  private String id;
  private String key;
  private Path profileDir;
  private WebDriver driver;

  @BeforeEach
  void setUp() throws IOException {
    sandbox = Sandbox.cleanSlate(sandboxLifecycle, redis);
    id = "browser-" + System.nanoTime();
    key = Consent.delegatedReader(id, sandbox);
    driver = chromium();
  }

  @AfterEach
  void tearDown() throws IOException {
    try {
      if (driver != null) {
        driver.quit();
      }
    } finally {
      driver = null;
      deleteTree(profileDir);
    }
  }

  /** Headless Debian Chromium through Debian's chromedriver; no Selenium Manager, no downloads. */
  private WebDriver chromium() throws IOException {
    for (String binary : new String[] {CHROMIUM, CHROMEDRIVER}) {
      assertTrue(
          new File(binary).canExecute(),
          binary + " is missing: apt-get install -y chromium chromium-driver (.ci/run does this)");
    }
    profileDir = Files.createTempDirectory("dynagate-chromium-");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM);
    options.addArguments(
        "--headless=new",
        "--no-sandbox", // runs as root in CI
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1024,768",
        "--user-data-dir=" + profileDir);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File(CHROMEDRIVER))
            .usingAnyFreePort()
            .withLogFile(new File("target/chromedriver.log"))
            .build();
    ChromeDriver chrome = new ChromeDriver(service, options);
    chrome.manage().timeouts().pageLoadTimeout(WAIT);
    return chrome;
  }

  @Test
  void acceptingInTheBrowserAuthorizesTheConnection() throws IOException {
    String callback = publicBaseUrl + AuthorizationService.CALLBACK_PATH;
    assertEquals(callbackUrl.toString(), callback, "the gateway listens at its public base URL");
    Admin.as(key)
        .get("/proxy/" + id + "/api/data/v9.2/accounts?$top=1")
        .then()
        .statusCode(409)
        .header("X-Dynagate-Error", "authorization_required");

    String authorizeUrl =
        Consent.started(admin(), id)
            .body(
                "authorizeUrl",
                startsWith(sandbox.baseUrl() + "/sandbox-tenant/oauth2/v2.0/authorize?"))
            .extract()
            .path("authorizeUrl");

    driver.get(authorizeUrl);
    assertEquals("sandbox-client", driver.findElement(By.id("client-id")).getText());
    driver.findElement(By.id("accept")).click();

    WebDriverWait wait = new WebDriverWait(driver, WAIT);
    wait.until(ExpectedConditions.urlMatches("^" + Pattern.quote(callback + "?")));
    wait.until(ExpectedConditions.textToBe(By.id("title"), "Authorized"));
    screenshot(Paths.get("target", "browser-consent.png"));

    String message = driver.findElement(By.id("message")).getText();
    assertTrue(message.contains(id), message);
    String page = driver.getPageSource();
    for (String word : new String[] {"access_token", "refresh_token", "Bearer"}) {
      assertFalse(page.contains(word), word + " on the result page: " + page);
    }
    // the sandbox's tokens are long random base64url strings; none may be on the page
    assertFalse(
        Pattern.compile("[A-Za-z0-9_-]{32,}").matcher(page).find(), "token-like value: " + page);

    Admin.as(key).get("/proxy/" + id + "/api/data/v9.2/accounts?$top=1").then().statusCode(200);
    assertEquals(1, sandbox.tokenRequests(), "only the code exchange");
  }

  private void screenshot(Path target) throws IOException {
    File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
    Files.createDirectories(target.getParent());
    Files.copy(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
  }

  private static void deleteTree(Path root) throws IOException {
    if (root == null || !Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
