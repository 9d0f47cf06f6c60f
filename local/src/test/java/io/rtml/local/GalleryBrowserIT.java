package io.rtml.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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

    /**
     * A service that follows {@code champion} with a selector: its page shows the binding (and a default
     * rollout where the registry reports one), and its recent events newest first, the deployment the
     * alias move started on top with its cause, with a button for older ones.
     */
    @Test
    void showsWhatAServiceFollowsAndItsRecentEventsNewestFirst() throws Exception {
        String service = "gallery-follow";
        Path model = LocalStackProcess.REPO.resolve("examples/titanic.onnx");
        api.post("/api/v1/models", "{\"name\":\"gallery-follow-model\"}");
        api.upload("gallery-follow-model", model);
        api.upload("gallery-follow-model", model);
        api.post("/api/v1/services", "{\"name\":\"" + service + "\",\"model\":\"gallery-follow-model\","
                + "\"follow\":\"champion\",\"selector\":\"kind=hub\"}");
        // Six deployments by hand (12 events: more than a page of 10), then the alias move's.
        for (int n = 0; n < 6; n++) {
            api.post("/api/v1/services/" + service + "/deployments", "{\"version\":" + (n % 2 + 1) + "}");
            assertThat(api.settledDeployment(service).get("status").asString()).isEqualTo("SUCCEEDED");
        }
        api.put("/api/v1/models/gallery-follow-model/aliases/champion", "{\"version\":1}");
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            JsonNode newest = api.get("/api/v1/services/" + service + "/deployments").get("items").get(0);
            return newest.get("cause").isString() && newest.get("status").asString().equals("SUCCEEDED");
        });
        JsonNode detail = api.get("/api/v1/services/" + service);

        login();
        WebElement listed = wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.xpath("//tr[td/a[text()='" + service + "']]")));
        assertThat(listed.getText()).contains("gallery-follow-model follows @champion");
        screenshot("gallery-list-follow");
        browser.get(stack.api() + "/#/services/" + service);
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("events")));
        String binding = text(By.id("binding"));
        assertThat(binding).contains("Follows", "gallery-follow-model@champion", "Selector", "kind=hub");
        assertThat(detail.get("defaultRollout").isNull()).isTrue();
        assertThat(binding).doesNotContain("Default rollout");
        List<WebElement> rows = browser.findElements(By.cssSelector("#events tbody tr"));
        assertThat(rows).hasSize(10);
        assertThat(rows.get(0).getText()).contains("deployment.succeeded");
        assertThat(rows.get(1).getText()).contains("deployment.started", "DEPLOY", "of v1 to hub",
                "alias champion of gallery-follow-model moved to v1");
        List<Long> ids = rows.stream().map(r -> Long.parseLong(r.getAttribute("data-event"))).toList();
        assertThat(ids).as("newest first").isSortedAccordingTo(java.util.Comparator.reverseOrder());
        screenshot("service-follow");
        scrollTo(By.id("events"));
        screenshot("service-events");

        browser.findElement(By.id("older-events")).click();
        wait.until(d -> d.findElements(By.cssSelector("#events tbody tr")).size() == 14);
        rows = browser.findElements(By.cssSelector("#events tbody tr"));
        assertThat(rows.get(13).getText()).as("the first request of all").contains("deployment.started", "of v1");
        assertThat(rows.stream().map(r -> Long.parseLong(r.getAttribute("data-event"))).toList())
                .isSortedAccordingTo(java.util.Comparator.reverseOrder()).doesNotHaveDuplicates();
        assertThat(browser.findElements(By.id("older-events"))).as("nothing older").isEmpty();
        assertThat(text(By.id("no-older-events"))).isEqualTo("No older events.");
        scrollTo(By.cssSelector("#events tbody tr:last-child"));
        screenshot("service-events-older");

        // A default rollout is a RolloutChoice: a strategy with its guardrails, or a wave plan. Set after the
        // alias move so that the deployments above stay all-at-once; the page shows each form in one line.
        api.patch("/api/v1/services/" + service, "{\"defaultRollout\":{\"strategy\":{\"type\":\"canary\","
                + "\"steps\":[10,50,100],\"bakeSeconds\":30},\"guardrails\":{\"maxErrorRatio\":0.01,"
                + "\"maxP99Millis\":250,\"minRequests\":100}}}");
        browser.navigate().refresh();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("binding")));
        assertThat(text(By.id("binding"))).contains("Default rollout\ncanary: steps 10 → 50 → 100%, bake 30s,"
                + " error ratio ≤ 1.00 %, p99 ≤ 250.0 ms, at least 100 requests a window – for deployments");
        screenshot("service-default-rollout-canary");
        api.patch("/api/v1/services/" + service, "{\"defaultRollout\":{\"waves\":[{\"selector\":\"kind=hub\"},"
                + "{\"percent\":100,\"bakeSeconds\":5}],\"bakeSeconds\":10,\"maxFailedPercent\":20,"
                + "\"offline\":\"converge\"}}");
        browser.navigate().refresh();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("binding")));
        String waves = text(By.id("binding"));
        assertThat(waves).contains("Default rollout\n2 waves: selector kind=hub → 100% (bake 5s), bake 10s,"
                + " abort past 20% failed, offline: converge – for deployments").doesNotContain("undefined", "null");
        screenshot("service-default-rollout-waves");
        api.patch("/api/v1/services/" + service, "{\"defaultRollout\":{}}");
    }

    /**
     * A deployment in two waves (the hub, then every other target) with {@code offline: converge}, one of
     * whose targets is a node that is not running yet: the page shows each wave's counts and the target
     * left PENDING as converging; once the node starts, reconciliation brings it the version and the
     * page shows when.
     */
    @Test
    void showsTheWavesOfADeploymentAndATargetThatConvergesLater() throws Exception {
        String service = "gallery-waves";
        String late = "gallery-late-edge";
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            port = free.getLocalPort();
        }
        String credential = api.post("/api/v1/targets", "{\"name\":\"" + late + "\",\"kind\":\"EDGE\","
                + "\"region\":\"gallery\",\"baseUrl\":\"http://127.0.0.1:" + port + "\"}").get("nodeCredential").asString();
        Path model = LocalStackProcess.REPO.resolve("examples/titanic.onnx");
        api.post("/api/v1/models", "{\"name\":\"gallery-waves-model\"}");
        api.upload("gallery-waves-model", model);
        api.post("/api/v1/services", "{\"name\":\"" + service + "\",\"model\":\"gallery-waves-model\"}");
        long id = api.post("/api/v1/services/" + service + "/deployments", "{\"version\":1,"
                + "\"targets\":[\"hub\",\"edge-eu\",\"edge-us\",\"" + late + "\"],"
                + "\"waves\":[{\"selector\":\"kind=hub\"},{\"percent\":100}],\"offline\":\"converge\"}").get("id").asLong();
        JsonNode done = api.settledDeployment(service);
        assertThat(done.get("id").asLong()).isEqualTo(id);
        assertThat(done.get("status").asString()).as(done.toString()).isEqualTo("SUCCEEDED");

        login();
        browser.get(stack.api() + "/#/services/" + service);
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("waves")));
        String waves = text(By.id("waves"));
        assertThat(waves).contains("Waves of deployment #" + id, "2 waves", "offline: converge");
        List<WebElement> waveRows = browser.findElements(By.cssSelector("#waves .wave-view > table:first-of-type tbody tr"));
        assertThat(waveRows).hasSize(2);
        // wave, chooses, targets, active, failed, reverted, pending
        assertThat(cells(waveRows.get(0))).startsWith("1", "kind=hub", "1", "1", "0", "0", "0");
        assertThat(cells(waveRows.get(1))).startsWith("2", "100% of the targets", "3", "2", "0", "0", "1");
        JsonNode firstWave = done.get("waves").get(0);
        if (firstWave.hasNonNull("durationMs")) {
            assertThat(cells(waveRows.get(0)).get(9)).isEqualTo(firstWave.get("durationMs").asLong() + " ms");
        }
        WebElement lateRow = browser.findElement(By.xpath("//section[@id='waves']//tr[td[1][text()='" + late + "']]"));
        assertThat(lateRow.getText()).contains("PENDING", "converging", "when it answers again");
        scrollTo(By.id("waves"));
        screenshot("deployment-waves-converging");

        io.rtml.scoring.ScoringNode node = io.rtml.scoring.ScoringNode.start(io.rtml.scoring.NodeConfig.load(Map.of(
                "rtml.scoring.port", String.valueOf(port), "rtml.scoring.bind-address", "127.0.0.1",
                "rtml.scoring.admin-token", credential,
                "rtml.scoring.data-dir", Files.createTempDirectory("rtml-gallery-late").toString(),
                "rtml.scoring.node.name", late, "rtml.scoring.io-threads", "1")::get));
        // Left running for the JVM's other ITs, which may deploy to every target: it is a real node.
        Runtime.getRuntime().addShutdownHook(new Thread(node::close));
        await().atMost(Duration.ofSeconds(90)).until(() -> {
            for (JsonNode t : api.get("/api/v1/services/" + service + "/deployments/" + id).get("targets")) {
                if (t.get("target").asString().equals(late)) {
                    return t.hasNonNull("convergedAt");
                }
            }
            return false;
        });
        browser.navigate().refresh();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("waves")));
        lateRow = browser.findElement(By.xpath("//section[@id='waves']//tr[td[1][text()='" + late + "']]"));
        assertThat(lateRow.getText()).contains("ACTIVE").doesNotContain("converging");
        assertThat(cells(lateRow).get(5)).matches("\\d{4}-\\d{2}-\\d{2}T.*Z");
        scrollTo(By.id("waves"));
        screenshot("deployment-waves-converged");
    }

    /**
     * The webhooks page for an admin (a receiver that answers 500: the last delivery's status, attempts
     * and error), a readable refusal for a viewer, and data that would run script if the page put it
     * into HTML: a token name (the events' actor, the deployments' requester), a service description and
     * a webhook description. Nothing runs, and each shows as text.
     */
    @Test
    void showsWebhooksToAnAdminOnlyAndNeverRunsWhatTheDataSays() throws Exception {
        String hostile = "<img src=x onerror=\"window.rtmlPwned=1\"><script>window.rtmlPwned=2</script>";
        String escaped = hostile.replace("\"", "\\\"");
        com.sun.net.httpserver.HttpServer receiver = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(500, -1);
            exchange.close();
        });
        receiver.start();
        long webhook = 0;
        try {
            webhook = api.post("/api/v1/webhooks", "{\"url\":\"http://127.0.0.1:" + receiver.getAddress().getPort()
                    + "/hook\",\"eventTypes\":[\"deployment.succeeded\"],\"description\":\"" + escaped + "\"}")
                    .get("webhook").get("id").asLong();
            String hostileAdmin = api.post("/api/v1/tokens", "{\"name\":\"" + escaped + "\",\"roles\":[\"admin\"]}")
                    .get("secret").asString();
            StackApi as = new StackApi(stack, hostileAdmin);
            String service = "gallery-hostile";
            as.post("/api/v1/models", "{\"name\":\"gallery-hostile-model\"}");
            as.upload("gallery-hostile-model", LocalStackProcess.REPO.resolve("examples/titanic.onnx"));
            as.post("/api/v1/services", "{\"name\":\"" + service + "\",\"model\":\"gallery-hostile-model\","
                    + "\"description\":\"" + escaped + "\"}");
            as.post("/api/v1/services/" + service + "/deployments", "{\"version\":1,\"targets\":[\"hub\"]}");
            assertThat(api.settledDeployment(service).get("status").asString()).isEqualTo("SUCCEEDED");
            long id = webhook;
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                JsonNode last = api.get("/api/v1/webhooks/" + id + "/deliveries?limit=1");
                return last.size() == 1 && last.get(0).get("attempts").asInt() >= 1;
            });

            login();
            browser.get(stack.api() + "/#/services/" + service);
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("events")));
            assertThat(text(By.tagName("main"))).contains("Model gallery-hostile-model. " + hostile)
                    .contains("by token:" + hostile);
            assertThat(text(By.id("events"))).contains("token:" + hostile);
            screenshot("service-hostile-text");
            scrollTo(By.id("events"));
            screenshot("service-hostile-events");
            assertThat(pwned()).as("no script ran on the service page").isNull();

            browser.findElement(By.id("webhooks-link")).click();
            WebElement row = wait.until(ExpectedConditions.visibilityOfElementLocated(
                    By.xpath("//main//tr[td[1][text()='" + webhook + "']]")));
            JsonNode last = api.get("/api/v1/webhooks/" + webhook + "/deliveries?limit=1").get(0);
            List<String> cells = cells(row);
            assertThat(cells.get(1)).contains("http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook", hostile);
            assertThat(cells.get(2)).isEqualTo("deployment.succeeded");
            assertThat(cells.get(3)).isEqualTo("enabled");
            assertThat(cells.get(5)).contains("HTTP 500", "deployment.succeeded");
            assertThat(Integer.parseInt(cells.get(6))).isGreaterThanOrEqualTo(1);
            assertThat(cells.get(7)).isEqualTo(last.get("lastError").isNull() ? "–" : last.get("lastError").asString());
            screenshot("webhooks");
            assertThat(pwned()).as("no script ran on the webhooks page").isNull();

            String viewer = api.post("/api/v1/tokens", "{\"name\":\"gallery-viewer\",\"roles\":[\"viewer\"]}")
                    .get("secret").asString();
            browser.findElement(By.id("logout")).click();
            browser.get(stack.api() + "/#/webhooks");
            browser.findElement(By.id("token")).sendKeys(viewer);
            browser.findElement(By.cssSelector("#login button[type=submit]")).click();
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("webhooks-forbidden")));
            assertThat(text(By.id("message"))).isEmpty();
            screenshot("webhooks-forbidden");
        } finally {
            if (webhook != 0) {
                api.delete("/api/v1/webhooks/" + webhook);
            }
            receiver.stop(0);
        }
    }

    private void scrollTo(By by) {
        fresh(d -> {
            ((org.openqa.selenium.JavascriptExecutor) d).executeScript(
                    "arguments[0].scrollIntoView({block: 'start'})", d.findElement(by));
            return true;
        });
    }

    private Object pwned() {
        return ((org.openqa.selenium.JavascriptExecutor) browser).executeScript("return window.rtmlPwned");
    }

    private static List<String> cells(WebElement row) {
        return row.findElements(By.tagName("td")).stream().map(WebElement::getText).toList();
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
