package io.rtml.registry;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;

/**
 * The configuration the {@code @DataJpaTest} slices of registry-core find: entities and
 * repositories under {@code io.rtml.registry}, nothing else of the registry.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
class RegistryJpaTestApplication {}
