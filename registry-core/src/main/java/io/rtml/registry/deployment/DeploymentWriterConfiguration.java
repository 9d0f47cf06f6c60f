package io.rtml.registry.deployment;

import io.rtml.deployment.DeploymentRequests;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The deployment module writes the deployment tables for the registry too; its JDBC writes join
 * the registry's JPA transactions (JpaTransactionManager exposes the transaction's connection to
 * JdbcTemplate).
 */
@Configuration(proxyBeanMethods = false)
class DeploymentWriterConfiguration {

    @Bean
    DeploymentRequests deploymentRequests(JdbcTemplate jdbc) {
        return new DeploymentRequests(jdbc);
    }
}
