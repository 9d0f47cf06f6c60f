package io.rtml.registry;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The registry's REST API: models, versions, aliases, audit. Runs the schema migrations on start. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class RegistryApiApplication {

    public static void main(String[] args) {
        SpringApplication.run(RegistryApiApplication.class, args);
    }
}
