package io.rtml.deployer;

import io.rtml.registry.target.NodeCredentialProperties;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.FilterType;

/**
 * The deployer worker: claims deployment jobs from PostgreSQL, drives scoring nodes through stage
 * and activate, and reconciles nodes with their desired versions. From registry-core it uses only
 * the artifact store (to presign artifact URLs); its own persistence is plain SQL, so JPA is off.
 */
@SpringBootApplication(excludeName = {
        "org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration",
        "org.springframework.boot.data.jpa.autoconfigure.DataJpaRepositoriesAutoConfiguration"})
@ComponentScan(basePackages = "io.rtml.registry.artifact", useDefaultFilters = false,
        includeFilters = @ComponentScan.Filter(type = FilterType.REGEX,
                pattern = "io\\.rtml\\.registry\\.artifact\\.(ArtifactStore|S3Configuration)"))
@ComponentScan(basePackages = "io.rtml.deployer")
@EnableConfigurationProperties({DeployerProperties.class, NodeCredentialProperties.class})
public class DeployerApplication {

    /**
     * The deployer's settings file is {@code deployer.yml}, not {@code application.yml}, so that it
     * can run in one JVM beside the registry (the embedded stack) without either reading the other's.
     */
    public static SpringApplicationBuilder application() {
        return new SpringApplicationBuilder(DeployerApplication.class).properties("spring.config.name=deployer");
    }

    public static void main(String[] args) {
        application().run(args);
    }
}
