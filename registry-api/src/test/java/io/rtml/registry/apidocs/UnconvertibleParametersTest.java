package io.rtml.registry.apidocs;

import static io.rtml.registry.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import io.rtml.registry.ApiClient;
import io.rtml.registry.RegistryApiTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A path or query parameter that is a number in the code answers MALFORMED_REQUEST to a value that
 * is not one, before the handler runs: every operation with such a parameter documents that code
 * (the after-each check of {@link RegistryApiTest} fails on a handler that answers it undocumented).
 * The operations are read from the served document, so a new endpoint is covered without a new line here.
 */
class UnconvertibleParametersTest extends RegistryApiTest {

    @Test
    void aNumberParameterThatIsNotANumberIsAMalformedRequestEveryOperationDocuments() {
        JsonNode doc = anonymous().get("/v3/api-docs").json();
        List<String> tried = new ArrayList<>();
        for (Map.Entry<String, JsonNode> path : doc.path("paths").properties()) {
            for (Map.Entry<String, JsonNode> op : path.getValue().properties()) {
                for (JsonNode parameter : op.getValue().path("parameters")) {
                    if (!parameter.at("/schema/type").asString().equals("integer")) {
                        continue;
                    }
                    String where = op.getKey().toUpperCase() + " " + uri(path.getKey(), parameter);
                    ApiClient.Response response = api().send(op.getKey().toUpperCase(), uri(path.getKey(), parameter),
                            "application/json", "{}".getBytes());
                    assertProblem(response, 400, "MALFORMED_REQUEST");
                    assertThat(op.getValue().at("/responses/400/content/application~1problem+json/examples")
                            .has("MALFORMED_REQUEST")).as(where + " documents MALFORMED_REQUEST").isTrue();
                    tried.add(where);
                }
            }
        }
        // the audit log's pageSize, a deployment's id, the events' after: not an empty loop
        assertThat(tried).anyMatch(t -> t.startsWith("GET /api/v1/audit?pageSize="))
                .anyMatch(t -> t.startsWith("GET /api/v1/events?after="))
                .anyMatch(t -> t.startsWith("GET /api/v1/services/some-name/deployments/not-a-number"));
    }

    /** The path with every path parameter filled in, the one parameter tried set to a value that is not a number. */
    private static String uri(String template, JsonNode tried) {
        String name = tried.path("name").asString();
        boolean inPath = tried.path("in").asString().equals("path");
        String uri = template.replaceAll("\\{([^}]+)}", "some-$1");
        if (inPath) {
            return uri.replace("some-" + name, "not-a-number");
        }
        return uri + "?" + name + "=not-a-number";
    }
}
