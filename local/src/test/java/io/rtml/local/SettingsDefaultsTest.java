package io.rtml.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.type.filter.AnnotationTypeFilter;

/**
 * A setting's default is written once, as {@code @DefaultValue} on its {@code @ConfigurationProperties}
 * record; the settings tables of the README and docs/deployer.md say it again for people. Every
 * settings class of the registry and the deployer is bound here with nothing configured and each
 * default compared with its row, so code and documentation cannot drift apart; and each row's
 * environment variable is checked to reach its property through Spring's own mapping.
 */
class SettingsDefaultsTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final List<Path> TABLES = List.of(ROOT.resolve("README.md"), ROOT.resolve("docs/deployer.md"));
    private static final Pattern CODE = Pattern.compile("`([^`]*)`");
    /** Settings of the scoring node, which is no Spring application (docs/scoring-service.md). */
    private static final String SCORING_NODE = "rtml.scoring.";
    private static final Pattern EMPTY = Pattern.compile("^((empty|unset|none)\\b.*|[—-])$", Pattern.CASE_INSENSITIVE);

    /**
     * One row of a settings table, for one property (rows naming two properties give two).
     *
     * @param property as bound: {@code rtml.deployer.node-tokens} for {@code rtml.deployer.node-tokens.<ref>}
     * @param example a property the environment variable must reach: {@code rtml.deployer.node-tokens.ref}
     */
    record Row(String property, String example, String env, String defaultText, Path file) {}

    @Test
    void everyDefaultInCodeIsTheOneTheTablesShow() throws IOException {
        Map<String, Row> rows = rows();
        SoftAssertions softly = new SoftAssertions();
        for (Class<?> type : settingsClasses()) {
            String prefix = type.getAnnotation(ConfigurationProperties.class).value();
            Object defaults = bind(type, Map.of());
            for (RecordComponent component : type.getRecordComponents()) {
                String property = prefix + "." + kebab(component.getName());
                Row row = rows.get(property);
                softly.assertThat(row).as(property + " (" + type.getSimpleName() + ") has a row in " + TABLES).isNotNull();
                if (row != null) {
                    Object actual = value(component, defaults);
                    softly.assertThat(actual).as(property + ": the code's default vs '" + row.defaultText() + "' in "
                            + row.file().getFileName()).isEqualTo(expected(type, component, row, defaults));
                }
            }
        }
        softly.assertAll();
    }

    /** The reverse: a row left behind by a removed or renamed setting names nothing the code binds. */
    @Test
    void everyRtmlRowNamesAPropertyTheCodeBinds() throws IOException {
        List<String> bound = new ArrayList<>();
        for (Class<?> type : settingsClasses()) {
            String prefix = type.getAnnotation(ConfigurationProperties.class).value();
            for (RecordComponent component : type.getRecordComponents()) {
                bound.add(prefix + "." + kebab(component.getName()));
            }
        }
        SoftAssertions softly = new SoftAssertions();
        rows().values().stream()
                .filter(row -> row.property().startsWith("rtml.") && !row.property().startsWith(SCORING_NODE))
                .forEach(row -> softly.assertThat(bound.stream().anyMatch(p -> row.property().equals(p)
                                || row.property().startsWith(p + ".")))
                        .as(row.property() + " in " + row.file().getFileName() + " is bound by a settings class").isTrue());
        softly.assertAll();
    }

    @Test
    void everyRowNamesAnEnvironmentVariableThatReachesItsProperty() throws IOException {
        Map<String, Row> rows = rows();
        assertThat(rows).as("rows parsed from " + TABLES).hasSizeGreaterThan(30);
        SoftAssertions softly = new SoftAssertions();
        rows.values().forEach(row -> {
            softly.assertThat(row.env()).as(row.property() + " in " + row.file().getFileName() + " has an environment form")
                    .isNotBlank();
            if (row.env() != null && !row.env().isBlank()) {
                var env = ConfigurationPropertySource.from(new SystemEnvironmentPropertySource(
                        StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, Map.of(row.env(), "x")));
                softly.assertThat(env.getConfigurationProperty(ConfigurationPropertyName.of(row.example())))
                        .as(row.env() + " sets " + row.example()).isNotNull();
            }
        });
        softly.assertAll();
    }

    /** What the row's default column means, bound the way Spring binds a configured value. */
    private static Object expected(Class<?> type, RecordComponent component, Row row, Object defaults) {
        String text = row.defaultText();
        if (EMPTY.matcher(text).matches()) {
            return emptyOf(component.getType());
        }
        if (text.contains("<") || text.contains("$")) {
            // Computed from another setting or the machine: `<spool-dir>/multipart`, `$TMPDIR/rtml-uploads`.
            text = computed(type, text, defaults);
            if (text.contains("<")) {
                return value(component, defaults); // made up at start (`pid@host-<random>`): only present
            }
        }
        String property = kebab(component.getName());
        return value(component, bind(type, Map.of(type.getAnnotation(ConfigurationProperties.class).value() + "." + property,
                text)));
    }

    private static String computed(Class<?> type, String text, Object defaults) {
        String tmp = System.getProperty("java.io.tmpdir").replaceAll("/+$", "");
        String result = text.replace("$TMPDIR", tmp);
        for (RecordComponent other : type.getRecordComponents()) {
            Object value = value(other, defaults);
            if (value != null) {
                result = result.replace("<" + kebab(other.getName()) + ">", value.toString());
            }
        }
        return result;
    }

    private static Object emptyOf(Class<?> type) {
        if (List.class.isAssignableFrom(type)) {
            return List.of();
        }
        return Map.class.isAssignableFrom(type) ? Map.of() : null;
    }

    // --- the code ---------------------------------------------------------------------------------------------------

    private static List<Class<?>> settingsClasses() {
        var scanner = new ClassPathScanningCandidateComponentProvider(false);
        scanner.addIncludeFilter(new AnnotationTypeFilter(ConfigurationProperties.class));
        List<Class<?>> classes = new ArrayList<>();
        for (BeanDefinition candidate : scanner.findCandidateComponents("io.rtml")) {
            try {
                classes.add(Class.forName(candidate.getBeanClassName()));
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
        }
        assertThat(classes).extracting(Class::getSimpleName).as("settings classes of the registry and the deployer")
                .contains("ApiProperties", "SecurityProperties", "TargetUrlProperties", "DeployerProperties");
        assertThat(classes).allMatch(Class::isRecord, "records bound by constructor");
        return classes;
    }

    private static Object bind(Class<?> type, Map<String, String> properties) {
        Binder binder = new Binder(new MapConfigurationPropertySource(properties));
        return binder.bindOrCreate(type.getAnnotation(ConfigurationProperties.class).value(), Bindable.of(type));
    }

    private static Object value(RecordComponent component, Object record) {
        try {
            Object value = component.getAccessor().invoke(record);
            return value instanceof Collection<?> c && !(value instanceof List<?>) ? List.copyOf(c) : value;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }

    // --- the tables -------------------------------------------------------------------------------------------------

    /**
     * The rows of the settings tables (those whose header starts {@code | property | environment | default}
     * or {@code | setting | env | default}), by property; the README's row wins over another file's.
     * A row may name two properties ({@code `a.b.c` / `d`}, the second relative to the first) with two
     * variables and two defaults split the same way, or one default for both.
     */
    private static Map<String, Row> rows() throws IOException {
        Map<String, Row> rows = new LinkedHashMap<>();
        for (Path file : TABLES) {
            boolean inTable = false;
            for (String line : Files.readAllLines(file)) {
                String trimmed = line.strip();
                if (trimmed.matches("\\|\\s*(property|setting)\\s*\\|\\s*(environment|env)\\s*\\|\\s*default\\s*\\|.*")) {
                    inTable = true;
                } else if (!trimmed.startsWith("|")) {
                    inTable = false;
                } else if (inTable && !trimmed.startsWith("|---")) {
                    for (Row row : parse(trimmed, file)) {
                        rows.putIfAbsent(row.property(), row);
                    }
                }
            }
        }
        return rows;
    }

    private static List<Row> parse(String line, Path file) {
        String[] cells = line.substring(1).split("\\s\\|\\s?", -1);
        List<String> names = codes(cells[0]);
        if (names.isEmpty() || names.stream().anyMatch(n -> n.contains("*") || n.contains("…"))) {
            return List.of(); // `rtml.s3.*`, `…username`: pointers to another table
        }
        List<String> envs = codes(cells[1]);
        String[] defaults = cells[2].split("\\s/\\s");
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            String name = relative(names.get(0), names.get(i), ".");
            String env = i < envs.size() ? relative(envs.get(0), envs.get(i), "_").replaceAll("<[^>]+>", "REF") : null;
            String defaultText = clean(defaults[Math.min(i, defaults.length - 1)]);
            rows.add(new Row(name.replaceAll("\\.<[^>]+>$", ""), name.replaceAll("<[^>]+>", "ref"), env, defaultText, file));
        }
        return rows;
    }

    /** {@code .password} or {@code max-page-size} after {@code spring.datasource.username}: a sibling of the first. */
    private static String relative(String first, String name, String separator) {
        boolean sibling = name.startsWith(separator) || (separator.equals(".") && !name.contains("."));
        if (!sibling) {
            return name;
        }
        return first.substring(0, first.lastIndexOf(separator) + 1) + (name.startsWith(separator) ? name.substring(1) : name);
    }

    /** The value of a default cell: its first code span, else its words before a colon or a parenthesis. */
    private static String clean(String cell) {
        Matcher code = CODE.matcher(cell);
        String text = cell.strip();
        if (!EMPTY.matcher(text).matches() && code.find()) {
            return code.group(1).strip();
        }
        return text.replaceAll("[:(].*$", "").strip();
    }

    private static List<String> codes(String cell) {
        List<String> codes = new ArrayList<>();
        Matcher m = CODE.matcher(cell);
        while (m.find()) {
            codes.add(m.group(1).strip());
        }
        return codes;
    }
}
