package io.rtml.scoring;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tests that share one real scoring node, with its own data dir, and one artifact host for the whole
 * class. A subclass's own {@code @BeforeAll} runs after the node is up. The fields are shared by every
 * subclass, so test classes must not run in parallel (JUnit's default).
 */
abstract class OneNodeTest {

    /** Node settings for the class, as {@code key=value}, over {@link TestNode}'s defaults. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.TYPE)
    @interface NodeSettings {
        String[] value();
    }

    @TempDir
    static Path dataDir;
    static ArtifactServer artifacts;
    static TestNode node;

    @BeforeAll
    static void startNode(TestInfo test) {
        artifacts = new ArtifactServer();
        node = TestNode.start(dataDir, settings(test.getTestClass().orElseThrow()));
    }

    @AfterAll
    static void stopNode() {
        node.close();
        artifacts.close();
    }

    private static Map<String, String> settings(Class<?> testClass) {
        Map<String, String> settings = new HashMap<>();
        NodeSettings declared = testClass.getAnnotation(NodeSettings.class);
        for (String setting : declared == null ? new String[0] : declared.value()) {
            int equals = setting.indexOf('=');
            settings.put(setting.substring(0, equals), setting.substring(equals + 1));
        }
        return settings;
    }
}
