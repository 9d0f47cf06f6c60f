package io.rtml.registry.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtml.registry.ApiClient;
import io.rtml.registry.RegistryApiTest;
import io.rtml.testing.ReferenceModels;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.RequestMappingInfoHandlerMapping;

/**
 * Every handler mapping of the registry (controllers, Actuator, springdoc), each called by every
 * kind of caller that must not reach it: 401 without a token, 403 with a token that lacks the role
 * or whose scopes do not cover the thing. What each endpoint needs is declared once, in
 * {@link #NEEDS}; an endpoint added without a line there fails the test, so nobody adds an endpoint
 * without deciding who may call it.
 *
 * <p>Refused calls are made against real resources (a model with a version, a service, a target, a
 * webhook), so a 404 can never stand in for a missing check; the forbidden check has to come first.
 * Reads the need allows are also called, and must not be refused.
 */
class EndpointAccessTest extends RegistryApiTest {

    /** Who may call: an API token or node credential described by its roles and scopes. */
    record Caller(String label, String token, Set<Role> roles, List<String> scopes, boolean node) {

        boolean apiToken() {
            return token != null && !node;
        }

        boolean has(Role role) {
            return apiToken() && (roles.contains(Role.ADMIN) || roles.contains(role) || role == Role.VIEWER);
        }
    }

    /** What an endpoint needs, in terms of the fixture's model, service and target. */
    interface Need extends Predicate<Caller> {}

    private static final Need OPEN = c -> true;
    /** Any API token, whatever its scopes (targets, metrics: shared infrastructure). */
    private static final Need READER = Caller::apiToken;

    private static Need role(Role role, Resource kind) {
        return c -> c.has(role) && Scopes.matches(c.scopes(), kind, Fixture.NAMES.get(kind));
    }

    private static Need unscoped(Role role) {
        return c -> c.has(role) && c.scopes().isEmpty();
    }

    private static Need both(Need a, Need b) {
        return c -> a.test(c) && b.test(c);
    }

    private static final Need READ_MODEL = role(Role.VIEWER, Resource.MODEL);
    private static final Need READ_SERVICE = role(Role.VIEWER, Resource.SERVICE);
    private static final Need PUBLISH = role(Role.PUBLISHER, Resource.MODEL);
    private static final Need DEPLOY = role(Role.DEPLOYER, Resource.SERVICE);
    private static final Need OWN_NODE_OR_DEPLOYER = c -> c.node() || role(Role.DEPLOYER, Resource.TARGET).test(c);

    /** The declared table: every handler mapping ({@code METHOD path [consumes]}) and what it needs. */
    private static final Map<String, Need> NEEDS = new LinkedHashMap<>();

    static {
        NEEDS.put("POST /api/v1/models", PUBLISH);
        NEEDS.put("GET /api/v1/models", READER); // filtered by the caller's model scopes
        NEEDS.put("GET /api/v1/models/{name}", READ_MODEL);
        NEEDS.put("PATCH /api/v1/models/{name}", PUBLISH);
        NEEDS.put("DELETE /api/v1/models/{name}", role(Role.ADMIN, Resource.MODEL));
        NEEDS.put("POST /api/v1/models/{name}/versions [multipart/form-data]", PUBLISH);
        NEEDS.put("POST /api/v1/models/{name}/versions [application/octet-stream]", PUBLISH);
        NEEDS.put("GET /api/v1/models/{name}/versions", READ_MODEL);
        NEEDS.put("GET /api/v1/models/{name}/versions/{ref}", READ_MODEL);
        NEEDS.put("PATCH /api/v1/models/{name}/versions/{ref}", PUBLISH);
        NEEDS.put("GET /api/v1/models/{name}/versions/{ref}/artifact", READ_MODEL);
        NEEDS.put("GET /api/v1/models/{name}/versions/{ref}/example", READ_MODEL);
        NEEDS.put("PUT /api/v1/models/{name}/versions/{ref}/example [application/json]", PUBLISH);
        NEEDS.put("DELETE /api/v1/models/{name}/versions/{ref}/example", PUBLISH);
        NEEDS.put("PUT /api/v1/models/{name}/aliases/{alias}", PUBLISH);
        NEEDS.put("DELETE /api/v1/models/{name}/aliases/{alias}", PUBLISH);
        NEEDS.put("POST /api/v1/services", both(DEPLOY, READ_MODEL));
        NEEDS.put("GET /api/v1/services", READER); // filtered by the caller's service scopes
        NEEDS.put("GET /api/v1/services/{name}", READ_SERVICE);
        NEEDS.put("PATCH /api/v1/services/{name}", both(DEPLOY, READ_MODEL));
        NEEDS.put("DELETE /api/v1/services/{name}", DEPLOY);
        NEEDS.put("GET /api/v1/services/{name}/telemetry", READ_SERVICE);
        NEEDS.put("POST /api/v1/services/{name}/deployments", DEPLOY);
        NEEDS.put("GET /api/v1/services/{name}/deployments", READ_SERVICE);
        NEEDS.put("GET /api/v1/services/{name}/deployments/{id}", READ_SERVICE);
        NEEDS.put("POST /api/v1/services/{name}/deployments/{id}/promote", DEPLOY);
        NEEDS.put("POST /api/v1/services/{name}/deployments/{id}/abort", DEPLOY);
        NEEDS.put("POST /api/v1/services/{name}/rollback", DEPLOY);
        NEEDS.put("POST /api/v1/targets", unscoped(Role.DEPLOYER));
        NEEDS.put("GET /api/v1/targets", READER);
        NEEDS.put("GET /api/v1/targets/{name}", READER);
        NEEDS.put("PATCH /api/v1/targets/{name}", unscoped(Role.DEPLOYER));
        NEEDS.put("DELETE /api/v1/targets/{name}", unscoped(Role.ADMIN));
        NEEDS.put("POST /api/v1/targets/{name}/node-credential", unscoped(Role.ADMIN));
        NEEDS.put("GET /api/v1/targets/{name}/desired-state", OWN_NODE_OR_DEPLOYER);
        NEEDS.put("POST /api/v1/tokens", unscoped(Role.ADMIN));
        NEEDS.put("GET /api/v1/tokens", unscoped(Role.ADMIN));
        NEEDS.put("DELETE /api/v1/tokens/{id}", unscoped(Role.ADMIN));
        NEEDS.put("POST /api/v1/webhooks", unscoped(Role.ADMIN));
        NEEDS.put("GET /api/v1/webhooks", unscoped(Role.ADMIN));
        NEEDS.put("GET /api/v1/webhooks/{id}", unscoped(Role.ADMIN));
        NEEDS.put("DELETE /api/v1/webhooks/{id}", unscoped(Role.ADMIN));
        NEEDS.put("GET /api/v1/webhooks/{id}/deliveries", unscoped(Role.ADMIN));
        NEEDS.put("GET /api/v1/events", READER); // filtered by the caller's scopes
        NEEDS.put("GET /api/v1/audit", unscoped(Role.VIEWER)); // it covers everything, tokens included
        NEEDS.put("ALL /error", OPEN);
        NEEDS.put("GET /actuator", READER);
        NEEDS.put("GET /actuator/health", OPEN);
        NEEDS.put("GET /actuator/health/**", OPEN);
        NEEDS.put("GET /actuator/info", READER);
        NEEDS.put("GET /actuator/metrics", READER);
        NEEDS.put("GET /actuator/metrics/{requiredMetricName}", READER);
        NEEDS.put("GET /actuator/prometheus", READER);
        NEEDS.put("GET /v3/api-docs", OPEN);
        NEEDS.put("GET /v3/api-docs.yaml", READER); // the filter opens only the JSON document and the UI
        NEEDS.put("GET /v3/api-docs/swagger-config", OPEN);
        NEEDS.put("GET /swagger-ui.html", OPEN);
    }

    /** The things every call names; created once per test class run. */
    static final class Fixture {
        static final Map<Resource, String> NAMES = Map.of(Resource.MODEL, uniqueName("acl-m"),
                Resource.SERVICE, uniqueName("acl-s"), Resource.TARGET, uniqueName("acl-t"));
        static final String OTHER = uniqueName("zz-other");
    }

    @Autowired
    private ApplicationContext context;

    @Test
    void everyEndpointHasADeclaredNeedAndRefusesEveryCallerWithoutIt() {
        Map<String, RequestMappingInfo> mappings = mappings();
        assertThat(new TreeSet<>(mappings.keySet())).as("handler mappings without a line in NEEDS (decide who may call"
                + " them), or lines for endpoints that are gone").isEqualTo(new TreeSet<>(NEEDS.keySet()));

        String model = Fixture.NAMES.get(Resource.MODEL);
        String service = Fixture.NAMES.get(Resource.SERVICE);
        String target = Fixture.NAMES.get(Resource.TARGET);
        assertThat(api().postJson("/api/v1/models", Map.of("name", model)).status()).isEqualTo(201);
        assertThat(api().uploadRaw("/api/v1/models/" + model + "/versions",
                ReferenceModels.bundled("sklearn_titanic_pipeline").readBytes()).status()).isEqualTo(201);
        assertThat(api().putJson("/api/v1/models/" + model + "/aliases/champion", Map.of("version", 1)).status())
                .isEqualTo(200);
        assertThat(api().postJson("/api/v1/services", Map.of("name", service, "model", model)).status()).isEqualTo(201);
        var created = api().postJson("/api/v1/targets", Map.of("name", target, "kind", "EDGE", "region", "eu",
                "baseUrl", "http://127.0.0.1:9"));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        String nodeCredential = created.json().path("nodeCredential").asString();
        long webhook = api().postJson("/api/v1/webhooks", Map.of("url", "http://127.0.0.1:9/hook")).json()
                .path("webhook").path("id").asLong();
        long spareToken = api().postJson("/api/v1/tokens", Map.of("name", uniqueName("spare"), "roles",
                List.of("viewer"))).json().path("token").path("id").asLong();

        String other = Fixture.OTHER;
        List<String> elsewhere = List.of("model:" + other + ".*", "service:" + other + ".*", "target:" + other);
        List<String> here = List.of("model:" + model, "service:" + service, "target:" + target);
        List<Caller> callers = List.of(
                new Caller("anonymous", null, Set.of(), List.of(), false),
                new Caller("node credential of the target", nodeCredential, Set.of(Role.NODE), List.of(), true),
                caller("viewer", Set.of(Role.VIEWER), List.of()),
                caller("publisher", Set.of(Role.PUBLISHER), List.of()),
                caller("deployer", Set.of(Role.DEPLOYER), List.of()),
                caller("viewer scoped here", Set.of(Role.VIEWER), here),
                caller("publisher scoped elsewhere", Set.of(Role.PUBLISHER), elsewhere),
                caller("deployer scoped elsewhere", Set.of(Role.DEPLOYER), elsewhere),
                caller("deployer scoped here", Set.of(Role.DEPLOYER), here),
                caller("publisher with an untyped scope here", Set.of(Role.PUBLISHER), List.of(model)),
                caller("admin scoped elsewhere", Set.of(Role.ADMIN), elsewhere),
                caller("admin scoped here", Set.of(Role.ADMIN), here),
                new Caller("unscoped admin", ADMIN_TOKEN, Set.of(Role.ADMIN), List.of(), false));

        Map<String, String> ids = Map.of("/webhooks/{id}", String.valueOf(webhook), "/tokens/{id}",
                String.valueOf(spareToken), "/deployments/{id}", "1");
        List<String> failures = new ArrayList<>();
        for (var entry : NEEDS.entrySet()) {
            String key = entry.getKey();
            String[] parts = key.split(" ");
            String method = parts[0].equals("ALL") ? "GET" : parts[0];
            String path = parts[1].replace("/models/{name}", "/models/" + model)
                    .replace("/services/{name}", "/services/" + service).replace("/targets/{name}", "/targets/" + target)
                    .replace("{ref}", "1").replace("{alias}", "champion").replace("{requiredMetricName}", "jvm.threads.live")
                    .replace("/**", "/liveness");
            for (var id : ids.entrySet()) {
                path = path.replace(id.getKey(), id.getKey().replace("{id}", id.getValue()));
            }
            for (Caller caller : callers) {
                boolean allowed = entry.getValue().test(caller);
                boolean changes = !method.equals("GET");
                if (allowed && changes) {
                    continue; // allowed changes are the other tests' business; this one only checks refusals
                }
                ApiClient client = caller.token() == null ? anonymous() : api(caller.token());
                ApiClient.Response response = call(client, method, path, key, model, service, target);
                int expected = caller.token() == null ? 401 : 403;
                if (!allowed && response.status() != expected) {
                    failures.add(key + " by " + caller.label() + ": expected " + expected + ", got " + response.status()
                            + " " + abbreviate(response.text()));
                } else if (allowed && (response.status() == 401 || response.status() == 403)) {
                    failures.add(key + " by " + caller.label() + ": allowed by the table, refused with "
                            + response.status() + " " + abbreviate(response.text()));
                }
            }
        }
        assertThat(failures).as("calls answered otherwise than the table says").isEmpty();
    }

    @Test
    void listsShowAScopedTokenOnlyWhatItsScopesCover() {
        String team = uniqueName("lst");
        String mine = team + ".mine";
        String theirs = uniqueName("lst-theirs");
        for (String name : List.of(mine, theirs)) {
            assertThat(api().postJson("/api/v1/models", Map.of("name", name)).status()).isEqualTo(201);
            assertThat(api().postJson("/api/v1/services", Map.of("name", name, "model", name)).status()).isEqualTo(201);
        }
        String scoped = caller("reader " + team, Set.of(Role.VIEWER), List.of(team + ".*")).token();
        assertThat(names(api(scoped).get("/api/v1/models?pageSize=500&query=lst"))).contains(mine).doesNotContain(theirs);
        assertThat(names(api(scoped).get("/api/v1/services?pageSize=500"))).contains(mine).doesNotContain(theirs);
        // a prefix's characters are not LIKE wildcards: '_' in a name matches only '_'
        String underscore = caller("reader a_b", Set.of(Role.VIEWER), List.of("model:" + team + "_*")).token();
        assertThat(names(api(underscore).get("/api/v1/models?pageSize=500&query=lst"))).isEmpty();
        String targetsOnly = caller("reader of a target", Set.of(Role.VIEWER), List.of("target:x")).token();
        assertThat(names(api(targetsOnly).get("/api/v1/models?pageSize=500"))).isEmpty();
        assertThat(names(api(targetsOnly).get("/api/v1/services?pageSize=500"))).isEmpty();
        assertThat(names(api().get("/api/v1/models?pageSize=500&query=lst"))).contains(mine, theirs);
    }

    private static List<String> names(ApiClient.Response page) {
        assertThat(page.status()).as(page.text()).isEqualTo(200);
        List<String> names = new ArrayList<>();
        page.json().path("items").forEach(item -> names.add(item.path("name").asString()));
        return names;
    }

    private Caller caller(String label, Set<Role> roles, List<String> scopes) {
        var response = api().postJson("/api/v1/tokens", Map.of("name", uniqueName("acl"), "roles",
                roles.stream().map(Role::label).toList(), "scopes", scopes));
        assertThat(response.status()).as(response.text()).isEqualTo(201);
        return new Caller(label, response.json().path("secret").asString(), roles, scopes, false);
    }

    private static ApiClient.Response call(ApiClient client, String method, String path, String key, String model,
            String service, String target) {
        if (key.endsWith("[multipart/form-data]")) {
            String boundary = "acl-boundary";
            byte[] body = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"m.onnx\"\r\n"
                    + "Content-Type: application/octet-stream\r\n\r\nnot onnx\r\n--" + boundary + "--\r\n")
                    .getBytes(StandardCharsets.UTF_8);
            return client.send(method, path, "multipart/form-data; boundary=" + boundary, body);
        }
        if (key.endsWith("[application/octet-stream]")) {
            return client.send(method, path, "application/octet-stream", "not onnx".getBytes(StandardCharsets.UTF_8));
        }
        Object body = switch (key.replaceAll(" \\[.*]", "")) {
            case "POST /api/v1/models" -> Map.of("name", model);
            case "PATCH /api/v1/models/{name}", "PATCH /api/v1/models/{name}/versions/{ref}" ->
                    Map.of("description", "changed by a caller that may not");
            case "PUT /api/v1/models/{name}/versions/{ref}/example" -> Map.of("inputs", List.of());
            case "PUT /api/v1/models/{name}/aliases/{alias}" -> Map.of("version", 1);
            case "POST /api/v1/services" -> Map.of("name", service, "model", model);
            case "PATCH /api/v1/services/{name}" -> Map.of("model", model);
            case "POST /api/v1/services/{name}/deployments" -> Map.of("version", 1, "targets", List.of(target));
            case "POST /api/v1/services/{name}/rollback" -> Map.of();
            case "POST /api/v1/targets" -> Map.of("name", target, "kind", "EDGE", "region", "eu",
                    "baseUrl", "http://127.0.0.1:9");
            case "PATCH /api/v1/targets/{name}" -> Map.of("region", "us");
            case "POST /api/v1/tokens" -> Map.of("name", "escalation", "roles", List.of("admin"));
            case "POST /api/v1/webhooks" -> Map.of("url", "http://127.0.0.1:9/hook");
            default -> null;
        };
        if (body != null) {
            return client.sendJson(method, path, body);
        }
        return switch (method) {
            case "GET" -> client.get(path);
            case "DELETE" -> client.delete(path);
            default -> client.sendJson(method, path, "");
        };
    }

    /** Every handler mapping of every request-mapping handler mapping (controllers, Actuator, springdoc). */
    private Map<String, RequestMappingInfo> mappings() {
        Map<String, RequestMappingInfo> keys = new LinkedHashMap<>();
        for (RequestMappingInfoHandlerMapping mapping : context.getBeansOfType(RequestMappingInfoHandlerMapping.class)
                .values()) {
            for (RequestMappingInfo info : mapping.getHandlerMethods().keySet()) {
                Set<RequestMethod> methods = info.getMethodsCondition().getMethods();
                List<String> consumes = info.getConsumesCondition().getConsumableMediaTypes().stream()
                        .map(Object::toString).toList();
                for (String pattern : info.getPatternValues()) {
                    for (String method : methods.isEmpty() ? List.of("ALL")
                            : methods.stream().map(Enum::name).toList()) {
                        keys.put(method + " " + pattern + (consumes.isEmpty() ? "" : " " + consumes.toString()), info);
                    }
                }
            }
        }
        return keys;
    }

    private static String abbreviate(String text) {
        return text.length() > 160 ? text.substring(0, 160) + "…" : text;
    }
}
