package io.rtml.kubernetes;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The Kubernetes v1.27.1 schemas of the kinds the chart renders (test resource kubernetes-schema/, where its
 * source is noted), made strict: an object schema that lists its properties accepts no other, so a misspelt
 * field is an error, as with {@code kubectl --validate=strict}. OpenAPI's {@code nullable} becomes a
 * {@code null} type, as openapi2jsonschema (yannh/kubernetes-json-schema) converts it.
 */
final class KubernetesSchemas {

    static final String RESOURCE = "/kubernetes-schema/kubernetes-1.27.1.json";

    private final Map<String, Schema> byKind = new HashMap<>();

    KubernetesSchemas() {
        JsonNode published = load();
        ObjectNode definitions = (ObjectNode) published.get("definitions").deepCopy();
        strict(definitions);
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7);
        for (Map.Entry<String, JsonNode> kind : published.get("kinds").properties()) {
            ObjectNode root = JsonMapper.shared().createObjectNode();
            root.put("$schema", "http://json-schema.org/draft-07/schema#");
            // allOf, not a bare $ref: draft 7 ignores the siblings of a $ref, definitions included.
            root.putArray("allOf").addObject().put("$ref", "#/definitions/" + kind.getValue().asString());
            root.set("definitions", definitions);
            SchemaLocation location = SchemaLocation.of("https://kubernetes-schema.rtml.invalid/" + kind.getKey() + ".json");
            byKind.put(kind.getKey(), registry.getSchema(location, root));
        }
    }

    /** The errors of one manifest; an unknown apiVersion/kind is one. */
    List<String> validate(JsonNode manifest) {
        String kind = manifest.path("apiVersion").asString("") + "/" + manifest.path("kind").asString("");
        Schema schema = byKind.get(kind);
        if (schema == null) {
            return List.of("no schema for " + kind + " (add it to kubernetes-check/schema-gen/generate.cjs)");
        }
        return schema.validate(manifest).stream().map(Error::toString).toList();
    }

    /** Makes every definition strict. */
    static void strict(ObjectNode definitions) {
        definitions.forEach(KubernetesSchemas::strictSchema);
    }

    /**
     * A schema that lists its properties accepts no other; the same for the schemas inside it. Walks schema
     * keywords only, so a field that happens to be called "properties" or "items" is never taken for one.
     */
    private static void strictSchema(JsonNode schema) {
        if (!(schema instanceof ObjectNode object)) {
            return;
        }
        if (object.has("properties") && !object.has("additionalProperties")) {
            object.put("additionalProperties", false);
        }
        // OpenAPI's "nullable" is no JSON-schema keyword: in JSON-schema words, null is one more type.
        JsonNode nullable = object.remove("nullable");
        if (nullable != null && nullable.asBoolean() && object.path("type").isString()) {
            String type = object.get("type").asString();
            object.putArray("type").add(type).add("null");
        }
        object.path("properties").forEach(KubernetesSchemas::strictSchema);
        strictSchema(object.get("items"));
        strictSchema(object.get("additionalProperties"));
        for (String combinator : List.of("allOf", "anyOf", "oneOf")) {
            object.path(combinator).forEach(KubernetesSchemas::strictSchema);
        }
    }

    private static JsonNode load() {
        try (InputStream in = KubernetesSchemas.class.getResourceAsStream(RESOURCE)) {
            return JsonMapper.shared().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
