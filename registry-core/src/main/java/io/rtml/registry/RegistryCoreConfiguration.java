package io.rtml.registry;

import io.rtml.onnx.InspectionLimits;
import io.rtml.registry.onnx.OnnxInspector;
import java.time.Clock;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Beans of the registry core that are plain classes rather than components. */
@Configuration(proxyBeanMethods = false)
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
