package io.rtml.registry.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A webhook's secret never shows in the text of the records that carry it, should one be logged. */
class WebhookSecretTest {

    private static final String SECRET = "a-secret-of-at-least-24-characters";

    @Test
    void theRequestAndTheAnswerDoNotPrintTheSecret() {
        CreateWebhookRequest request = new CreateWebhookRequest("https://hooks.example/x", List.of(), SECRET, "d");
        CreatedWebhookResponse created = new CreatedWebhookResponse(null, SECRET);

        assertThat(request.toString()).doesNotContain(SECRET).contains("hooks.example");
        assertThat(created.toString()).doesNotContain(SECRET);
        assertThat(request.secret()).isEqualTo(SECRET);
        assertThat(created.secret()).isEqualTo(SECRET);
    }
}
