package io.rtml.deployer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rtml.deployer.job.DeploymentMetrics;
import io.rtml.deployer.support.Deployers;
import io.rtml.deployer.support.Predictor;
import io.rtml.deployer.support.Registry;
import io.rtml.deployer.support.TestNodes;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import software.amazon.awssdk.services.s3.S3Client;

/** Deploy, upgrade and roll back a service on a hub and two edges, with and without load. */
class DeploymentFlowTest {

    static TestNodes.Node hub;
    static TestNodes.Node eu;
    static TestNodes.Node us;
    static ConfigurableApplicationContext deployer;
    static Registry registry;
    static List<Long> targets;
    static final Predictor predictor = new Predictor();

    @BeforeAll
    static void start() {
        hub = TestNodes.hub("hub");
        eu = TestNodes.edge("edge-eu");
        us = TestNodes.edge("edge-us");
        // A first stage of the model outlasts 10 ms, so these stages go through "still staging" answers and asks again.
        deployer = Deployers.start("flow", Map.of("rtml.deployer.stage-wait", "10ms"));
        registry = new Registry(deployer.getBean(S3Client.class));
        targets = List.of(
                registry.target(Registry.unique("hub"), "HUB", hub.baseUrl()),
                registry.target(Registry.unique("eu"), "EDGE", eu.baseUrl()),
                registry.target(Registry.unique("us"), "EDGE", us.baseUrl()));
    }

    @AfterAll
    static void stop() {
        deployer.close();
        hub.close();
        eu.close();
        us.close();
    }

    @Test
    void deploysUpgradesAndRollsBackOnEveryNode() {
        String service = Registry.unique("digits");
        long serviceId = newService(service);
        DeploymentMetrics metrics = deployer.getBean(DeploymentMetrics.class);

        long first = registry.deploy(serviceId, "DEPLOY", 1, targets);
        awaitFinal(first, "SUCCEEDED");
        assertEveryNodeServes(service, "1");
        assertThat(registry.targetStatuses(first)).containsOnly("ACTIVE");

        long second = registry.deploy(serviceId, "DEPLOY", 2, targets);
        awaitFinal(second, "SUCCEEDED");
        assertEveryNodeServes(service, "2");
        assertThat(registry.serviceTargets(serviceId)).hasSize(3).allSatisfy(row -> {
            assertThat(row.get("desired_version")).isEqualTo(2);
            assertThat(row.get("active_version")).isEqualTo(2);
            assertThat(row.get("previous_version")).isEqualTo(1);
            assertThat(row.get("deployed_by")).isEqualTo("alice");
        });

        double downloadsBefore = metrics.stagesWithDownload();
        double fromMemoryBefore = metrics.stagesWithoutDownload();
        long rollback = registry.deploy(serviceId, "ROLLBACK", 1, targets);
        awaitFinal(rollback, "SUCCEEDED");
        assertEveryNodeServes(service, "1");
        assertThat(metrics.stagesWithDownload()).as("a rollback downloads nothing").isEqualTo(downloadsBefore);
        assertThat(metrics.stagesWithoutDownload()).as("nor stages: one activation per node").isEqualTo(fromMemoryBefore);
        assertThat(registry.targetStatuses(rollback)).containsOnly("ACTIVE");
        assertThat(registry.serviceTargets(serviceId)).allSatisfy(row -> {
            assertThat(row.get("active_version")).isEqualTo(1);
            assertThat(row.get("previous_version")).isEqualTo(2);
        });

        Map<String, Object> done = registry.deployment(rollback);
        assertThat(done.get("started_at")).isNotNull();
        assertThat(done.get("finished_at")).isNotNull();
        assertThat(done.get("error")).isNull();
        assertThat(done.get("attempts")).isEqualTo(1);
        assertThat(registry.audits(service, "deployment.succeeded")).isEqualTo(3);
    }

    @Test
    void noRequestFailsWhileDeployingAndRollingBack() throws Exception {
        String service = Registry.unique("steady");
        long serviceId = newService(service);
        awaitFinal(registry.deploy(serviceId, "DEPLOY", 1, targets), "SUCCEEDED");

        AtomicBoolean go = new AtomicBoolean(true);
        AtomicLong ok = new AtomicLong();
        Map<String, Long> failures = new ConcurrentHashMap<>();
        List<Thread> clients = List.of(hub, eu, us).stream().map(node -> new Thread(() -> {
            Predictor own = new Predictor();
            while (go.get()) {
                Predictor.Answer answer = own.infer(node.baseUrl(), service);
                if (answer.status() == 200 && List.of("1", "2").contains(answer.version())) {
                    ok.incrementAndGet();
                } else {
                    failures.merge(node.name + " " + answer, 1L, Long::sum);
                }
            }
        })).toList();
        clients.forEach(Thread::start);
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> ok.get() > 30);
            awaitFinal(registry.deploy(serviceId, "DEPLOY", 2, targets), "SUCCEEDED");
            assertEveryNodeServes(service, "2");
            long mark = ok.get();
            await().atMost(Duration.ofSeconds(10)).until(() -> ok.get() > mark + 30);
            awaitFinal(registry.deploy(serviceId, "ROLLBACK", 1, targets), "SUCCEEDED");
            assertEveryNodeServes(service, "1");
            long mark2 = ok.get();
            await().atMost(Duration.ofSeconds(10)).until(() -> ok.get() > mark2 + 30);
        } finally {
            go.set(false);
            for (Thread client : clients) {
                client.join(10_000);
            }
        }
        assertThat(failures).isEmpty();
        assertThat(ok.get()).isGreaterThan(90);
    }

    @Test
    void exposesHealthAndDeploymentMetrics() throws Exception {
        String service = Registry.unique("metered");
        awaitFinal(registry.deploy(newService(service), "DEPLOY", 1, targets), "SUCCEEDED");
        String base = "http://127.0.0.1:" + deployer.getEnvironment().getProperty("local.server.port");
        var http = java.net.http.HttpClient.newHttpClient();
        var health = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/actuator/health"))
                .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"UP\"").doesNotContain("components", "bucket", "path");
        var anonymousMetrics = http.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(base + "/actuator/prometheus")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(anonymousMetrics.statusCode()).isEqualTo(401);
        assertThat(anonymousMetrics.body()).doesNotContain("rtml_deployer");
        String viewer = registry.apiToken("viewer");
        assertThat(http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/actuator/metrics"))
                .header("Authorization", "Bearer " + viewer).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
        String scopedAdmin = registry.apiToken("admin", "team-a.*");
        assertThat(http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/actuator/prometheus"))
                .header("Authorization", "Bearer " + scopedAdmin).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode()).as("an admin with scope limits").isEqualTo(401);

        String admin = registry.apiToken("admin");
        var detailed = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/actuator/health"))
                .header("Authorization", "Bearer " + admin).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(detailed.body()).contains("components", "db");
        var metrics = http.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(base + "/actuator/prometheus")).header("Authorization", "Bearer " + admin).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.body()).contains("rtml_deployer_deployments_total{kind=\"deploy\",outcome=\"succeeded\"}")
                .contains("rtml_deployer_deployment_duration_seconds_count").contains("rtml_deployer_stages_total");
    }

    static long newService(String name) {
        return newService(registry, name);
    }

    static long newService(Registry registry, String name) {
        long model = registry.model(name + "-model");
        registry.version(model, 1, Registry.mnistVersion(1));
        registry.version(model, 2, Registry.mnistVersion(2));
        return registry.service(name, model);
    }

    static void awaitFinal(long deploymentId, String expected) {
        awaitFinal(registry, deploymentId, expected);
    }

    static void awaitFinal(Registry registry, long deploymentId, String expected) {
        awaitFinal(registry, deploymentId, expected, Duration.ofSeconds(30));
    }

    static void awaitFinal(Registry registry, long deploymentId, String expected, Duration atMost) {
        await().atMost(atMost).pollInterval(Duration.ofMillis(20))
                .until(() -> List.of("SUCCEEDED", "FAILED", "ROLLED_BACK", "SHADOWED")
                        .contains(registry.status(deploymentId)));
        assertThat(registry.status(deploymentId)).as("deployment %s: %s", deploymentId,
                registry.deployment(deploymentId).get("error")).isEqualTo(expected);
    }

    static void assertEveryNodeServes(String service, String version) {
        for (TestNodes.Node node : List.of(hub, eu, us)) {
            assertThat(predictor.version(node.baseUrl(), service)).as(node.name).isEqualTo(version);
        }
    }
}
