package io.rtml.registry.event;

import static io.rtml.registry.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import io.rtml.registry.RegistryApiTest;
import io.rtml.testing.ReferenceModels;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The event log: every published change becomes an event in the transaction of the change, whoever
 * writes it (the registry through JPA, the deployer through the deployment module's JDBC, the deployer's
 * health probe), and polling clients page through it with {@code after}.
 */
class EventsApiTest extends RegistryApiTest {

    private String model;
    private String service;
    private String hub;
    private long start;

    @BeforeEach
    void aModelWithTwoVersionsATargetAndAService() {
        start = lastEventId();
        model = uniqueName("iris");
        service = uniqueName("iris-svc");
        hub = uniqueName("hub");
        api().postJson("/api/v1/models", Map.of("name", model));
        byte[] iris = ReferenceModels.bundled("sklearn_rf_iris_zipmap").readBytes();
        api().uploadRaw("/api/v1/models/" + model + "/versions", iris);
        api().uploadRaw("/api/v1/models/" + model + "/versions", iris);
        api().postJson("/api/v1/targets", Map.of("name", hub, "kind", "HUB", "region", "central",
                "baseUrl", "http://127.0.0.1:1"));
        api().postJson("/api/v1/services", Map.of("name", service, "model", model));
    }

    @Test
    void everyPublishedChangeIsAnEventWhoeverWroteIt() {
        assertThat(api().putJson("/api/v1/models/" + model + "/aliases/champion", Map.of("version", 1)).status())
                .isEqualTo(200);
        api().putJson("/api/v1/models/" + model + "/aliases/champion", Map.of("version", 2));
        long deployment = api().postJson("/api/v1/services/" + service + "/deployments",
                Map.of("version", 1, "targets", List.of(hub))).json().path("id").asLong();
        finish(deployment);
        long failed = api().postJson("/api/v1/services/" + service + "/deployments",
                Map.of("version", 2, "targets", List.of(hub))).json().path("id").asLong();
        deployer().fail(failed, "staging failed");
        // the deployer's probe: one event per change of health, none for a probe that changes nothing
        jdbc.update("UPDATE target SET health = 'UP', last_seen_at = now() WHERE name = ?", hub);
        jdbc.update("UPDATE target SET health = 'UP', last_seen_at = now() WHERE name = ?", hub);
        jdbc.update("UPDATE target SET health = 'DOWN' WHERE name = ? AND health <> 'DOWN'", hub);

        List<JsonNode> events = mine(all(start));

        assertThat(events).extracting(e -> e.path("type").asString()).containsExactly("version.created",
                "version.created", "alias.moved", "alias.moved", "deployment.started", "deployment.succeeded",
                "deployment.started", "deployment.failed", "target.health_changed", "target.health_changed");
        JsonNode moved = events.get(3);
        assertThat(moved.path("subject").path("kind").asString()).isEqualTo("model");
        assertThat(moved.path("subject").path("name").asString()).isEqualTo(model);
        assertThat(moved.path("actor").asString()).isEqualTo("token:bootstrap-admin");
        assertThat(moved.path("data").path("alias").asString()).isEqualTo("champion");
        assertThat(moved.path("data").path("version").asInt()).isEqualTo(2);
        assertThat(moved.path("data").path("previousVersion").asInt()).isEqualTo(1);
        assertThat(events.get(1).path("data").path("version").asInt()).isEqualTo(2);
        JsonNode started = events.get(4);
        assertThat(started.path("subject").path("name").asString()).isEqualTo(service);
        assertThat(started.path("data").path("deploymentId").asLong()).isEqualTo(deployment);
        assertThat(started.path("data").path("kind").asString()).isEqualTo("DEPLOY");
        assertThat(events.get(7).path("data").path("error").asString()).isEqualTo("staging failed");
        assertThat(events.get(8).path("data").path("to").asString()).isEqualTo("UP");
        assertThat(events.get(9).path("data").path("from").asString()).isEqualTo("UP");
        assertThat(events.get(9).path("subject").path("kind").asString()).isEqualTo("target");
        assertThat(events).extracting(e -> e.path("id").asLong()).isSorted();
    }

    @Test
    void aChangeThatFailsPublishesNothing() {
        assertProblem(api().putJson("/api/v1/models/" + model + "/aliases/champion", Map.of("version", 9)), 404,
                "VERSION_NOT_FOUND");
        assertProblem(api().postJson("/api/v1/services/" + service + "/deployments", Map.of("version", 7)), 404,
                "VERSION_NOT_FOUND");

        assertThat(mine(all(start))).extracting(e -> e.path("type").asString())
                .containsExactly("version.created", "version.created");
    }

    @Test
    void pagesFollowTheCursorAndFilterByType() {
        for (int v = 1; v <= 2; v++) {
            api().putJson("/api/v1/models/" + model + "/aliases/a" + v, Map.of("version", v));
        }
        JsonNode first = api().get("/api/v1/events?after=" + start + "&limit=1&types=alias.moved").json();
        assertThat(first.path("events")).hasSize(1);
        long next = first.path("next").asLong();
        assertThat(next).isEqualTo(first.path("events").get(0).path("id").asLong());

        List<JsonNode> rest = new ArrayList<>();
        api().get("/api/v1/events?after=" + next + "&types=alias.moved,version.created").json().path("events")
                .forEach(rest::add);
        List<JsonNode> moves = mine(rest).stream().filter(e -> e.path("type").asString().equals("alias.moved")).toList();
        assertThat(moves).hasSize(1);
        assertThat(moves.get(0).path("data").path("alias").asString()).isEqualTo("a2");
        assertThat(rest).extracting(e -> e.path("type").asString()).isSubsetOf("alias.moved", "version.created");

        JsonNode caughtUp = api().get("/api/v1/events?after=" + lastEventId()).json();
        assertThat(caughtUp.path("events")).isEmpty();
        assertThat(caughtUp.path("next").asLong()).as("nothing new: ask again from the same place").isEqualTo(lastEventId());
    }

    @Test
    void aScopedTokenSeesTheEventsOfWhatItsScopesCover() {
        String other = uniqueName("other");
        api().postJson("/api/v1/models", Map.of("name", other));
        String token = api().postJson("/api/v1/tokens", Map.of("name", uniqueName("viewer"), "roles", List.of("viewer"),
                "scopes", List.of("model:" + model))).json().path("secret").asString();
        api().putJson("/api/v1/models/" + model + "/aliases/champion", Map.of("version", 1));
        jdbc.update("UPDATE target SET health = 'UP' WHERE name = ?", hub);

        JsonNode page = api(token).get("/api/v1/events?after=" + start + "&limit=500").json();

        assertThat(page.path("events")).isNotEmpty().allSatisfy(e -> {
            assertThat(e.path("subject").path("kind").asString()).isEqualTo("model");
            assertThat(e.path("subject").path("name").asString()).isEqualTo(model);
        });
        assertThat(page.path("next").asLong()).as("the cursor moves past what the scopes hide").isEqualTo(lastEventId());
    }

    @Test
    void anEventThatCommitsLaterNeverHidesBehindACursorAlreadyPastIt() throws Exception {
        String insert = "INSERT INTO audit_event (occurred_at, actor, action, entity_type, entity_name, details)"
                + " VALUES (now(), 'test', 'alias.set', 'model', ?, ?::jsonb)";
        try (Connection earlier = jdbc.getDataSource().getConnection();
                Connection later = jdbc.getDataSource().getConnection()) {
            earlier.setAutoCommit(false);
            later.setAutoCommit(false);
            // the earlier change writes its audit row first, and commits last
            try (PreparedStatement first = earlier.prepareStatement(insert);
                    PreparedStatement second = later.prepareStatement(insert)) {
                first.setString(1, model);
                first.setString(2, "{\"alias\":\"earlier\",\"version\":1}");
                first.executeUpdate();
                second.setString(1, model);
                second.setString(2, "{\"alias\":\"later\",\"version\":1}");
                second.executeUpdate();
            }
            later.commit();
            JsonNode seen = api().get("/api/v1/events?types=alias.moved&after=" + start).json();
            assertThat(mine(list(seen.path("events")))).extracting(e -> e.path("data").path("alias").asString())
                    .containsExactly("later");
            earlier.commit();

            JsonNode next = api().get("/api/v1/events?types=alias.moved&after=" + seen.path("next").asLong()).json();
            assertThat(mine(list(next.path("events")))).extracting(e -> e.path("data").path("alias").asString())
                    .containsExactly("earlier");
        }
    }

    @Test
    void aServicesEventsComeNewestFirstWithACursorToOlderOnesAndOnlyForReadersOfIt() {
        long deployment = api().postJson("/api/v1/services/" + service + "/deployments",
                Map.of("version", 1, "targets", List.of(hub))).json().path("id").asLong();
        finish(deployment);
        long failed = api().postJson("/api/v1/services/" + service + "/deployments",
                Map.of("version", 2, "targets", List.of(hub))).json().path("id").asLong();
        deployer().fail(failed, "staging failed");
        api().putJson("/api/v1/models/" + model + "/aliases/champion", Map.of("version", 2));
        String path = "/api/v1/events?service=" + service + "&limit=3&before=";

        JsonNode newest = api().get(path + (lastEventId() + 1)).json();

        assertThat(list(newest.path("events"))).extracting(e -> e.path("type").asString())
                .containsExactly("deployment.failed", "deployment.started", "deployment.succeeded");
        assertThat(list(newest.path("events"))).allSatisfy(e -> {
            assertThat(e.path("subject").path("kind").asString()).isEqualTo("service");
            assertThat(e.path("subject").path("name").asString()).isEqualTo(service);
        });
        assertThat(newest.path("events").get(0).path("data").path("deploymentId").asLong()).isEqualTo(failed);
        long next = newest.path("next").asLong();
        assertThat(next).isEqualTo(newest.path("events").get(2).path("id").asLong());
        JsonNode older = api().get(path + next).json();
        assertThat(list(older.path("events"))).extracting(e -> e.path("type").asString())
                .containsExactly("deployment.started");
        assertThat(older.path("events").get(0).path("data").path("deploymentId").asLong()).isEqualTo(deployment);
        JsonNode oldest = api().get(path + older.path("next").asLong()).json();
        assertThat(oldest.path("events")).isEmpty();
        assertThat(oldest.path("next").asLong()).as("nothing older: the same cursor").isEqualTo(older.path("next").asLong());
        // oldest first from a cursor, as polling clients read it, for the same service
        assertThat(list(api().get("/api/v1/events?service=" + service + "&after=" + start).json().path("events")))
                .extracting(e -> e.path("type").asString())
                .containsExactly("deployment.started", "deployment.succeeded", "deployment.started", "deployment.failed");

        String modelReader = api().postJson("/api/v1/tokens", Map.of("name", uniqueName("viewer"), "roles",
                List.of("viewer"), "scopes", List.of("model:" + model))).json().path("secret").asString();
        assertThat(api(modelReader).get(path + (lastEventId() + 1)).json().path("events"))
                .as("a service outside the token's scopes shows nothing").isEmpty();
        String serviceReader = api().postJson("/api/v1/tokens", Map.of("name", uniqueName("viewer"), "roles",
                List.of("viewer"), "scopes", List.of("service:" + service))).json().path("secret").asString();
        assertThat(api(serviceReader).get(path + (lastEventId() + 1)).json().path("events")).hasSize(3);
    }

    @Test
    void badQueriesAreProblems() {
        assertProblem(api().get("/api/v1/events?before=0"), 400, "VALIDATION_FAILED");
        assertProblem(api().get("/api/v1/events?after=-1"), 400, "VALIDATION_FAILED");
        assertProblem(api().get("/api/v1/events?limit=0"), 400, "VALIDATION_FAILED");
        assertProblem(api().get("/api/v1/events?limit=100000"), 400, "VALIDATION_FAILED");
        JsonNode unknown = assertProblem(api().get("/api/v1/events?types=alias.moved,model.exploded"), 400,
                "VALIDATION_FAILED");
        assertThat(unknown.path("detail").asString()).contains("model.exploded").contains("alias.moved");
        assertProblem(api().get("/api/v1/events?after=abc"), 400, "MALFORMED_REQUEST");
        assertProblem(anonymous().get("/api/v1/events"), 401, "UNAUTHENTICATED");
    }

    private static List<JsonNode> list(JsonNode array) {
        List<JsonNode> items = new ArrayList<>();
        array.forEach(items::add);
        return items;
    }

    /** Every event after {@code after}, page by page. */
    private List<JsonNode> all(long after) {
        List<JsonNode> events = new ArrayList<>();
        long cursor = after;
        while (true) {
            JsonNode page = api().get("/api/v1/events?after=" + cursor + "&limit=3").json();
            page.path("events").forEach(events::add);
            if (page.path("events").isEmpty()) {
                return events;
            }
            cursor = page.path("next").asLong();
        }
    }

    /** Those about this test's model, service and target (other tests share the database). */
    private List<JsonNode> mine(List<JsonNode> events) {
        return events.stream().filter(e -> List.of(model, service, hub).contains(e.path("subject").path("name").asString()))
                .toList();
    }

    private long lastEventId() {
        return jdbc.queryForObject("SELECT coalesce(max(id), 0) FROM event", Long.class);
    }
}
