package io.rtml.deployer;

import io.rtml.artifact.ArtifactStoreConfiguration;
import io.rtml.deployment.Claimant;
import io.rtml.deployment.DeploymentLedger;
import io.rtml.deployment.NodeCredentialProperties;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

/**
 * The deployer worker: claims deployment jobs from PostgreSQL, drives scoring nodes through stage
 * and activate, and reconciles nodes with their desired versions. It shares the deployment model
 * with the registry (module {@code deployment}) and presigns artifact URLs with the artifact store
 * (module {@code artifact-store}); its persistence is plain SQL.
 */
@SpringBootApplication
@EnableScheduling
@Import(ArtifactStoreConfiguration.class)
@EnableConfigurationProperties({DeployerProperties.class, NodeCredentialProperties.class})
public class DeployerApplication {

    /**
     * The pool claimed deployments run on ({@code concurrency} threads). When the context closes,
     * DeploymentWorker interrupts the running jobs as a crash would (they write nothing more and are
     * resumed elsewhere when their leases lapse); the pool is then shut down and waited for up to 5 s.
     */
    @Bean
    ThreadPoolTaskExecutor deploymentJobs(DeployerProperties properties) {
        ThreadPoolTaskExecutor jobs = new ThreadPoolTaskExecutor();
        jobs.setCorePoolSize(properties.concurrency());
        jobs.setMaxPoolSize(properties.concurrency());
        jobs.setThreadNamePrefix("deployer-job-");
        jobs.setDaemon(true);
        jobs.setWaitForTasksToCompleteOnShutdown(false);
        jobs.setAwaitTerminationSeconds(5);
        return jobs;
    }

    /** The deployment tables' writes for this deployer, fenced on its instance id. */
    @Bean
    DeploymentLedger deploymentLedger(JdbcTemplate jdbc, DeployerProperties properties) {
        return new DeploymentLedger(jdbc, new Claimant(properties.instanceId(), properties.lease(),
                properties.maxAttempts()));
    }

    /**
     * The deployer's settings file is {@code deployer.yml}, not {@code application.yml}, so that it
     * can run in one JVM beside the registry (the embedded stack) without either reading the other's.
     */
    public static SpringApplicationBuilder application() {
        return new SpringApplicationBuilder(DeployerApplication.class).properties("spring.config.name=deployer");
    }

    public static void main(String[] args) {
        commonPoolOfTwoAtLeast();
        application().run(args);
    }

    private static final String COMMON_POOL_PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";

    /**
     * On a machine (or container) with two CPUs or fewer the JVM's common pool gets one worker, and
     * then {@code CompletableFuture}'s default executor is no pool at all: it starts a new thread for
     * every task. The JDK's HTTP client hands the answer of every {@code sendAsync} to that executor,
     * so every answer from a node cost a thread start (1,861 of them in 94 s in the fleet benchmark's
     * deployer on 2 CPUs, most of them the probe rounds'). Two workers make it the common pool again.
     * Must run before anything initialises {@code ForkJoinPool} or {@code CompletableFuture}: first
     * thing in {@link #main}, and in the main of any process that embeds the deployer (the embedded
     * stack's {@code RtmlLocal}); an explicit setting of the property is left alone.
     */
    public static void commonPoolOfTwoAtLeast() {
        if (System.getProperty(COMMON_POOL_PARALLELISM) == null && Runtime.getRuntime().availableProcessors() <= 2) {
            System.setProperty(COMMON_POOL_PARALLELISM, "2");
        }
    }
}
