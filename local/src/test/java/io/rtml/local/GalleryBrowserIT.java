package io.rtml.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import tools.jackson.databind.JsonNode;

/**
 * The gallery page in headless Chromium (Debian's {@code chromium} and {@code chromedriver})
 * against the stack that {@code bin/rtml-local} started: it lists a deployed service, and its
 * Roll back button changes what the nodes serve. Screenshots go to {@code target/screenshots}.
 *
 * <p>Skipped where Chromium is not installed, unless {@code RTML_REQUIRE_BROWSER=1} (set by
 * {@code .ci/run}, which installs it), where its absence fails the build.
 */
class GalleryBrowserIT {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SCREENSHOTS = LocalStackProcess.REPO.resolve("local/target/screenshots");
    private static final String SERVICE = "gallery-demo";
    private static final String RECORD =
            "{\"records\":[{\"pclass\":\"1\",\"sex\":\"female\",\"age\":29,\"fare\":211.3,\"embarked\":\"S\"}]}";

    /** Held so that its level sticks: Selenium warns at every start that it has no DevTools binding; none is used. */
    private static final Logger SELENIUM = Logger.getLogger("org.openqa.selenium");

    static {
        SELENIUM.setLevel(Level.SEVERE);
    }

    private LocalStackProcess stack;
    private StackApi api;
    private ChromeDriver browser;
    private WebDriverWait wait;

    @BeforeEach
    void startBrowser() throws IOException {
        boolean installed = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (!installed && "1".equals(System.getenv("RTML_REQUIRE_BROWSER"))) {
            throw new IllegalStateException("RTML_REQUIRE_BROWSER=1 but " + CHROMIUM + " or " + CHROMEDRIVER
                    + " is missing: apt-get install chromium chromium-driver");
        }
        Assumptions.assumeTrue(installed, "Chromium is not installed (apt-get install chromium chromium-driver)");
        stack = LocalStackProcess.shared();
        api = new StackApi(stack);
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile()).addArguments(
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1280,900", "--user-data-dir=" + Files.createTempDirectory("rtml-chromium"));
        ChromeDriverService driver = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        browser = new ChromeDriver(driver, options);
        wait = new WebDriverWait(browser, Duration.ofSeconds(30));
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterEach
    void stopBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void listsADeployedServiceAndRollsItBackFromThePage() throws IOException {
        deployTwoVersions();

        browser.get(stack.api() + "/");
        browser.findElement(By.id("token")).sendKeys(stack.adminToken());
        browser.findElement(By.cssSelector("#login button[type=submit]")).click();
        WebElement row = wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.xpath("//tr[td/a[text()='" + SERVICE + "']]")));
        assertThat(row.getText()).contains("gallery-demo-model", "hub: v2", "edge-eu: v2", "edge-us: v2", "SUCCEEDED");
        screenshot("gallery");

        row.findElement(By.linkText(SERVICE)).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("h2"), SERVICE));
        assertThat(browser.findElement(By.tagName("main")).getText())
                .contains("What runs where", "Deployments", "Signature", "curl -s -X POST")
                // The "Call it" command comes from the registry with every value shell-quoted.
                .contains("curl -s -X POST 'http://127.0.0.1:");
        browser.findElement(By.id("rollback")).click();
        wait.until(ExpectedConditions.textMatches(By.id("message"), java.util.regex.Pattern.compile("Deployment \\d+: SUCCEEDED")));
        screenshot("service-after-rollback");

        assertThat(browser.findElement(By.tagName("main")).getText()).contains("ROLLBACK");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(api.servedByEveryNode(SERVICE, RECORD)).containsOnly("1"));
    }

    /**
     * A canary at 50% under a steady load: the page shows the step, the split, the live figures per
     * target and version and a chart per version; Abort rolls it back, and the history shows the
     * ROLLBACK the deployer recorded with its reason.
     */
    @Test
    void showsARolloutInProgressWithLiveFiguresAndAbortsIt() throws Exception {
        String service = "gallery-canary";
        Path model = LocalStackProcess.REPO.resolve("examples/titanic.onnx");
        api.post("/api/v1/models", "{\"name\":\"gallery-canary-model\"}");
        api.upload("gallery-canary-model", model);
        api.upload("gallery-canary-model", model);
        api.post("/api/v1/services", "{\"name\":\"" + service + "\",\"model\":\"gallery-canary-model\"}");
        api.post("/api/v1/services/" + service + "/deployments", "{\"version\":1}");
        assertThat(api.settledDeployment(service).get("status").asString()).isEqualTo("SUCCEEDED");
        long canary = api.post("/api/v1/services/" + service + "/deployments", "{\"version\":2,"
                + "\"strategy\":{\"type\":\"canary\",\"steps\":[50,100],\"bakeSeconds\":600}}").get("id").asLong();
        AtomicBoolean loading = new AtomicBoolean(true);
        Thread load = new Thread(() -> {
            while (loading.get()) {
                api.servedByEveryNode(service, RECORD);
            }
        }, "gallery-load");
        load.setDaemon(true);
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> "ROLLING_OUT".equals(api.get("/api/v1/services/"
                    + service + "/deployments/" + canary).get("status").asString()));
            load.start();
            // Both versions measured in at least two windows each: a line, not a dot, per version.
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                JsonNode versions = api.get("/api/v1/services/" + service + "/telemetry?minutes=15").get("versions");
                boolean lines = versions.size() == 2;
                for (JsonNode v : versions) {
                    lines &= v.get("series").size() >= 2;
                }
                return lines;
            });
            login();
            browser.get(stack.api() + "/#/services/" + service);
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("rollout")));
            // The page refreshes the rollout and the figures every few seconds: read each element afresh.
            assertThat(text(By.id("rollout"))).contains("Rollout #" + canary, "Step 1 of 2", "canary: steps 50 → 100%",
                    "Decisions", "Promote", "Abort");
            String split = fresh(d -> d.findElement(By.cssSelector(".split")).getAttribute("aria-label"));
            assertThat(split).isEqualTo("Split: 50% on v1, 50% on v2");
            assertThat(text(By.id("live"))).contains("Live figures", "all targets", "candidate", "active", "hub",
                    "edge-eu", "edge-us", "0.00 %");
            for (String chart : List.of("error-chart", "latency-chart")) {
                for (String version : List.of("v1", "v2")) {
                    Integer lines = fresh(d -> d.findElements(By.cssSelector("#" + chart + " polyline." + version)).size());
                    assertThat(lines).as(chart + " " + version).isEqualTo(1);
                }
            }
            screenshot("rollout-in-progress");
            fresh(d -> {
                ((org.openqa.selenium.JavascriptExecutor) d).executeScript(
                        "document.querySelector('.charts').scrollIntoView({block: 'center'})");
                return true;
            });
            screenshot("rollout-live-figures");

            fresh(d -> {
                d.findElement(By.id("abort")).click();
                return true;
            });
            wait.until(ExpectedConditions.textMatches(By.id("message"),
                    java.util.regex.Pattern.compile("Deployment " + canary + ": ROLLED_BACK")));
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("main"), "reverts #" + canary));
            assertThat(browser.findElements(By.id("rollout"))).isEmpty();
            assertThat(text(By.tagName("main"))).contains("ROLLBACK", "aborted by hand");
            screenshot("rollout-aborted");
        } finally {
            loading.set(false);
            load.join(10_000);
        }
        assertThat(api.servedByEveryNode(service, RECORD)).containsOnly("1");
    }

    /** What {@code read} finds, retried while a refresh replaces the element under it. */
    private <T> T fresh(java.util.function.Function<org.openqa.selenium.WebDriver, T> read) {
        return wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class).until(read::apply);
    }

    private String text(By by) {
        return fresh(d -> d.findElement(by).getText());
    }

    private void login() {
        browser.get(stack.api() + "/");
        browser.findElement(By.id("token")).sendKeys(stack.adminToken());
        browser.findElement(By.cssSelector("#login button[type=submit]")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.tagName("h2")));
    }

    private void deployTwoVersions() throws IOException {
        Path model = LocalStackProcess.REPO.resolve("examples/titanic.onnx");
        api.post("/api/v1/models", "{\"name\":\"gallery-demo-model\"}");
        api.upload("gallery-demo-model", model);
        api.upload("gallery-demo-model", model);
        api.post("/api/v1/services", "{\"name\":\"" + SERVICE + "\",\"model\":\"gallery-demo-model\"}");
        for (int version : List.of(1, 2)) {
            api.post("/api/v1/services/" + SERVICE + "/deployments", "{\"version\":" + version + ",\"targets\":\"all\"}");
            assertThat(api.settledDeployment(SERVICE).get("status").asString()).isEqualTo("SUCCEEDED");
        }
        assertThat(api.servedByEveryNode(SERVICE, RECORD)).containsOnly("2");
    }


    private void screenshot(String name) throws IOException {
        Path file = SCREENSHOTS.resolve(name + ".png");
        Files.write(file, browser.getScreenshotAs(OutputType.BYTES));
        System.out.println("screenshot: " + file);
    }
}
