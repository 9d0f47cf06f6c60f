package io.rtml.registry.api;

import io.rtml.problem.NulCharacters;
import org.springframework.stereotype.Component;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.KeyDeserializer;
import tools.jackson.databind.deser.jdk.StringDeserializer;
import tools.jackson.databind.module.SimpleModule;

/**
 * Every string and map key read from a JSON body (descriptions, tags, labels, references) is
 * refused when it holds a NUL character ({@link NulCharacters}); the problem names the JSON field.
 * Fields called {@code name} are checked by their own rules (models, services and targets by
 * {@code Names}, INVALID_NAME; tokens by {@code CreateTokenRequest}). Spring Boot registers this
 * module with the application's JsonMapper.
 */
@Component
class NulCharacterModule extends SimpleModule {

    NulCharacterModule() {
        super("rtml-nul-characters");
        addDeserializer(String.class, new StringDeserializer() {
            @Override
            public String deserialize(JsonParser p, DeserializationContext ctxt) {
                String value = super.deserialize(p, ctxt);
                String field = field(p);
                // A "name" is left to its naming rule, which refuses a NUL as INVALID_NAME and says the rule.
                return field.equals("name") ? value : NulCharacters.refuse(field, value);
            }
        });
        addKeyDeserializer(String.class, new KeyDeserializer() {
            @Override
            public Object deserializeKey(String key, DeserializationContext ctxt) {
                return NulCharacters.refuse("a key of " + field(ctxt.getParser()), key);
            }
        });
    }

    private static String field(JsonParser p) {
        String name = p == null ? null : p.streamReadContext().currentName();
        return name == null ? "a text value" : name;
    }
}
