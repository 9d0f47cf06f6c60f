package io.rtml.registry;

import io.rtml.artifact.ArtifactStoreConfiguration;
import io.rtml.deployment.NodeCredentialProperties;
import io.rtml.onnx.InspectionLimits;
import io.rtml.registry.artifact.UploadProperties;
import io.rtml.registry.deployment.RolloutDefaults;
import io.rtml.registry.onnx.OnnxInspector;
import java.time.Clock;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * Beans of the registry core that are plain classes rather than components, and the modules it builds
 * on. Background sweeps run on Spring Boot's one task scheduler ({@code spring.task.scheduling.*}).
 */
@Configuration(proxyBeanMethods = false)
@Import(ArtifactStoreConfiguration.class)
@EnableScheduling
@EnableConfigurationProperties({UploadProperties.class, NodeCredentialProperties.class, RolloutDefaults.class})
public class RegistryCoreConfiguration {

    @Bean
    OnnxInspector onnxInspector() {
        return new OnnxInspector(InspectionLimits.defaults());
    }

    @Bean
    @ConditionalOnMissingBean
    Clock clock() {
        return Clock.systemUTC();
    }
}
