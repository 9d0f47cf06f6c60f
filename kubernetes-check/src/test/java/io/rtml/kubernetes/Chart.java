package io.rtml.kubernetes;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MappingIterator;
import tools.jackson.dataformat.yaml.YAMLMapper;

/** The chart in deploy/kubernetes/rtml, rendered by Helm itself (helm-java runs Helm's Go code in-process). */
final class Chart {

    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final Path DIR = ROOT.resolve("deploy/kubernetes/rtml");
    static final String RELEASE = "rtml";
    static final String NAMESPACE = "ml";
    /** The Kubernetes version of the schemas the manifests are checked against (kubernetes-schema/). */
    static final String KUBERNETES_VERSION = "1.27.1";

    private static final YAMLMapper YAML = new YAMLMapper();

    private Chart() {
    }

    /** Renders with the chart's values.yaml, then each values file of the chart directory given, then the --set pairs. */
    static List<JsonNode> render(List<String> valuesFiles, Map<String, Object> set) {
        TemplateCommand template = new Helm(DIR).template().withName(RELEASE).withNamespace(NAMESPACE)
                .withKubeVersion(KUBERNETES_VERSION);
        valuesFiles.forEach(file -> template.withValuesFile(DIR.resolve(file)));
        set.forEach(template::set);
        return parse(template.call());
    }

    static List<JsonNode> render(String... valuesFiles) {
        return render(List.of(valuesFiles), Map.of());
    }

    static List<JsonNode> parse(String manifests) {
        List<JsonNode> documents = new ArrayList<>();
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(manifests)) {
            while (it.hasNext()) {
                JsonNode document = it.next();
                if (document != null && !document.isNull() && !document.isEmpty()) {
                    documents.add(document);
                }
            }
        }
        return documents;
    }
}
