package io.rtml.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtml.artifact.S3Properties;
import io.rtml.deployer.DeployerProperties;
import io.rtml.deployment.NodeCredentialProperties;
import io.rtml.registry.access.SecurityProperties;
import io.rtml.registry.api.ApiProperties;
import io.rtml.registry.artifact.UploadProperties;
import io.rtml.registry.target.TargetUrlProperties;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.yaml.snakeyaml.Yaml;

/**
 * No Docker engine runs here, so docker-compose.yml is kept honest by reading it: every service,
 * Dockerfile, jar, port and environment variable it names must exist in the apps' configuration.
 */
class DockerComposeTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Set<String> SPRING_STANDARD = Set.of("spring.datasource.url", "spring.datasource.username",
            "spring.datasource.password", "server.port");

    private final Map<String, Object> compose = load(ROOT.resolve("docker-compose.yml"));

    @Test
    void runsTheWholeStack() {
        assertThat(services().keySet()).containsExactlyInAnyOrder("postgres", "minio", "minio-init", "registry",
                "deployer", "hub", "edge-eu", "edge-us", "targets-init");
    }

    @Test
    void everyBuiltImageHasItsDockerfileAndARunnableJarOfARealModule() throws IOException {
        Pattern copy = Pattern.compile("COPY (\\S+)/target/(\\S+)-\\*-exec\\.jar");
        for (String service : List.of("registry", "deployer", "hub", "edge-eu", "edge-us")) {
            Map<String, Object> build = map(service(service).get("build"));
            Path dockerfile = ROOT.resolve((String) build.get("dockerfile"));
            assertThat(dockerfile).as(service).exists();
            Matcher jar = copy.matcher(Files.readString(dockerfile));
            assertThat(jar.find()).as(dockerfile + " copies a module's -exec jar").isTrue();
            Path pom = ROOT.resolve(jar.group(1)).resolve("pom.xml");
            assertThat(Files.readString(pom)).as(pom.toString()).contains("<artifactId>" + jar.group(2) + "</artifactId>")
                    .contains("<classifier>exec</classifier>");
        }
    }

    @Test
    void everyRegistryVariableIsARegistrySetting() throws IOException {
        Set<String> known = springSettings(ROOT.resolve("registry-api/src/main/resources/application.yml"),
                S3Properties.class, UploadProperties.class, SecurityProperties.class, ApiProperties.class,
                NodeCredentialProperties.class, TargetUrlProperties.class);
        assertThat(unknown(environment("registry"), known)).isEmpty();
    }

    @Test
    void everyDeployerVariableIsADeployerSetting() throws IOException {
        Set<String> known = springSettings(ROOT.resolve("deployer/src/main/resources/deployer.yml"),
                DeployerProperties.class, S3Properties.class, NodeCredentialProperties.class);
        assertThat(unknown(environment("deployer"), known)).isEmpty();
    }

    @Test
    void everyScoringVariableIsANodeSettingAndThePortsMatch() throws IOException {
        String config = Files.readString(ROOT.resolve("scoring-service/src/main/java/io/rtml/scoring/NodeConfig.java"));
        Set<String> known = new HashSet<>();
        Matcher property = Pattern.compile("\"(rtml\\.scoring\\.[a-z.-]+)\"").matcher(config);
        while (property.find()) {
            known.add(property.group(1).toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_'));
        }
        for (String node : List.of("hub", "edge-eu", "edge-us")) {
            Map<String, String> env = environment(node);
            assertThat(known).as(node).containsAll(env.keySet());
            assertThat(containerPorts(node)).as(node).containsExactly(env.get("RTML_SCORING_PORT"));
        }
    }

    @Test
    void theRegistryListensWhereComposePublishesIt() {
        assertThat(containerPorts("registry")).containsExactly(environment("registry").get("SERVER_PORT"));
    }

    private static List<String> unknown(Map<String, String> environment, Set<String> known) {
        return environment.keySet().stream().filter(name -> !known.contains(normalize(name))).toList();
    }

    /** Every property an app binds: its application.yml keys, its @ConfigurationProperties, Spring's basics. */
    private static Set<String> springSettings(Path applicationYml, Class<?>... properties) throws IOException {
        Set<String> known = new HashSet<>();
        flatten("", load(applicationYml), known);
        known.addAll(SPRING_STANDARD);
        for (Class<?> type : properties) {
            String prefix = type.getAnnotation(ConfigurationProperties.class).value();
            for (RecordComponent component : type.getRecordComponents()) {
                known.add(prefix + "." + component.getName());
            }
        }
        Set<String> normalized = new HashSet<>();
        known.forEach(k -> normalized.add(normalize(k)));
        return normalized;
    }

    /** Spring's relaxed binding: RTML_S3_ACCESS_KEY, rtml.s3.access-key and rtml.s3.accessKey are one setting. */
    private static String normalize(String name) {
        return name.replaceAll("[._-]", "").toLowerCase(Locale.ROOT);
    }

    private static void flatten(String prefix, Map<String, Object> yaml, Set<String> into) {
        yaml.forEach((key, value) -> {
            String name = prefix.isEmpty() ? key : prefix + "." + key;
            if (value instanceof Map<?, ?> nested) {
                flatten(name, map(nested), into);
            } else {
                into.add(name);
            }
        });
    }

    private List<String> containerPorts(String service) {
        Object ports = service(service).get("ports");
        return ((List<?>) ports).stream().map(p -> p.toString().substring(p.toString().lastIndexOf(':') + 1)).toList();
    }

    private Map<String, String> environment(String service) {
        Map<String, String> env = new java.util.TreeMap<>();
        map(service(service).get("environment")).forEach((k, v) -> {
            if (!k.equals("<<")) {
                env.put(k, String.valueOf(v));
            }
        });
        return env;
    }

    private Map<String, Object> service(String name) {
        return map(services().get(name));
    }

    private Map<String, Object> services() {
        return map(compose.get("services"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return (Map<String, Object>) value;
    }

    private static Map<String, Object> load(Path file) {
        try {
            return new Yaml().load(Files.readString(file));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
