package io.rtml.registry.apidocs;

import io.rtml.problem.ErrorCode;
import io.rtml.registry.access.Actor;
import io.rtml.registry.api.Problems;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.examples.Example;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.JsonSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.oas.models.servers.Server;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.springdoc.core.customizers.OperationCustomizer;
import org.springdoc.core.utils.SpringDocUtils;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;
import tools.jackson.databind.JsonNode;

/**
 * The registry's OpenAPI document ({@code /v3/api-docs}, springdoc): bearer authentication on every
 * operation, and per operation one problem response per status it can answer with, each listing
 * its {@link ErrorCode}s as examples. Nothing in it depends on the port, the time or the order
 * beans were created in, so {@code docs/openapi.json} can be compared with it (OpenApiDocumentTest).
 */
@Configuration(proxyBeanMethods = false)
class ApiDocsConfiguration {

    static final String PROBLEM_JSON = "application/problem+json";

    static {
        // Resolved from the token by ActorArgumentResolver: not a parameter the client sends.
        SpringDocUtils.getConfig().addRequestWrapperToIgnore(Actor.class)
                // Any JSON value (an example request; targets as names, "all" or a selector), not a bean.
                .replaceWithSchema(JsonNode.class, new JsonSchema().description("any JSON value")
                        .types(new LinkedHashSet<>(List.of("array", "boolean", "null", "number", "object", "string"))))
                // The artifact's bytes: documented on the handler as application/octet-stream.
                .addResponseTypeToIgnore(StreamingResponseBody.class);
    }

    @Bean
    OpenAPI registryOpenApi() {
        Components components = new Components()
                .addSecuritySchemes("bearer", new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer")
                        .description("an API token (POST /api/v1/tokens), or a target's node credential for that"
                                + " target's desired state only"))
                .addSchemas("Problem", problemSchema());
        for (ErrorCode code : ErrorCode.values()) {
            components.addExamples(code.name(), new Example().summary(code.title()).value(example(code)));
        }
        return new OpenAPI()
                .info(new Info().title("rtml registry API").version("v1")
                        .description("Models, versions, aliases, services, deployments, targets, tokens and the audit"
                                + " log. Every error is an RFC 9457 problem whose `code` is one of ErrorCode's."))
                .servers(new ArrayList<>(List.of(new Server().url("/"))))
                .components(components)
                .addSecurityItem(new SecurityRequirement().addList("bearer"));
    }

    /**
     * A stable operation id ({@code <tag>_<method>}: {@code models_create}), where springdoc's own
     * would number clashing method names in the order it met them; and the problem responses.
     */
    @Bean
    OperationCustomizer problemResponses() {
        return (operation, handler) -> {
            Tag tag = handler.getBeanType().getAnnotation(Tag.class);
            String group = tag != null ? tag.name() : operation.getTags().get(0);
            operation.setTags(new ArrayList<>(List.of(group)));
            Operation declared = handler.getMethodAnnotation(Operation.class);
            if (declared == null || declared.operationId().isEmpty()) {
                operation.setOperationId(group + "_" + handler.getMethod().getName());
            }
            ApiResponses responses = operation.getResponses() == null ? new ApiResponses() : operation.getResponses();
            byStatus(DocumentedProblems.of(handler)).forEach((status, codes) ->
                    responses.addApiResponse(String.valueOf(status), problemResponse(codes)));
            operation.setResponses(responses);
            return operation;
        };
    }

    private static Map<Integer, List<ErrorCode>> byStatus(Set<ErrorCode> codes) {
        return codes.stream().collect(Collectors.groupingBy(ErrorCode::status, TreeMap::new, Collectors.toList()));
    }

    private static ApiResponse problemResponse(List<ErrorCode> codes) {
        Map<String, Example> examples = new LinkedHashMap<>();
        codes.forEach(c -> examples.put(c.name(), new Example().$ref("#/components/examples/" + c.name())));
        return new ApiResponse()
                .description(codes.stream().map(c -> c.name() + ": " + c.title()).collect(Collectors.joining("; ")))
                .content(new Content().addMediaType(PROBLEM_JSON, new MediaType()
                        .schema(new Schema<>().$ref("#/components/schemas/Problem")).examples(examples)));
    }

    private static Map<String, Object> example(ErrorCode code) {
        var problem = Problems.of(code, "…", List.of());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", problem.getType().toString());
        body.put("title", problem.getTitle());
        body.put("status", problem.getStatus());
        body.put("detail", "what went wrong and what to do, in words");
        body.put("code", code.name());
        return body;
    }

    @SuppressWarnings("rawtypes")
    private static Schema problemSchema() {
        Schema<?> fieldError = new ObjectSchema()
                .addProperty("field", new StringSchema())
                .addProperty("message", new StringSchema());
        return new ObjectSchema()
                .description("RFC 9457 problem details; members other than these may follow (say, `differences`)")
                .addProperty("type", new StringSchema().format("uri"))
                .addProperty("title", new StringSchema())
                .addProperty("status", new IntegerSchema())
                .addProperty("detail", new StringSchema())
                .addProperty("instance", new StringSchema().format("uri-reference"))
                .addProperty("code", new StringSchema()._enum(Arrays.stream(ErrorCode.values()).map(Enum::name).toList())
                        .description("stable and machine-readable: branch on this"))
                .addProperty("errors", new ArraySchema().items(fieldError)
                        .description("per-field messages of a VALIDATION_FAILED or INVALID_NAME problem"))
                .required(new ArrayList<>(List.of("type", "title", "status", "code")));
    }
}
