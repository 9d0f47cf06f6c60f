package io.rtml.deployer.node;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Issue 13 item 4: what a node answers is summarised for deployment.error, never copied. */
class NodeErrorSummaryTest {

    @Test
    void anS3XmlErrorBecomesItsCodeAndMessage() {
        String xml = """
                <?xml version="1.0" encoding="UTF-8"?>
                <Error><Code>AccessDenied</Code><Message>Access Denied</Message>
                <Resource>/rtml-artifacts/secret/path</Resource><RequestId>4442587FB7D0A2F9</RequestId></Error>""";

        assertThat(NodeErrorSummary.of(xml)).isEqualTo("AccessDenied: Access Denied");
    }

    @Test
    void markupControlCharactersAndLengthAreRemoved() {
        String html = "<html><body><h1>502 Bad Gateway</h1>\n\u0000\u001b[31m" + "x".repeat(5000) + "</body></html>";

        String summary = NodeErrorSummary.of(html);

        assertThat(summary).startsWith("502 Bad Gateway").doesNotContain("<", "\n", "\u0000", "\u001b")
                .hasSize(NodeErrorSummary.MAX_LENGTH + 1);
    }

    @Test
    void aProblemKeepsItsDetailBounded() {
        assertThat(NodeErrorSummary.of("{\"detail\":\"version 3 is not loaded\"}")).isEqualTo("version 3 is not loaded");
        assertThat(NodeErrorSummary.of("{\"detail\":\"" + "y".repeat(1000) + "\"}")).hasSize(NodeErrorSummary.MAX_LENGTH + 1);
        assertThat(NodeErrorSummary.of("")).isEmpty();
    }
}
