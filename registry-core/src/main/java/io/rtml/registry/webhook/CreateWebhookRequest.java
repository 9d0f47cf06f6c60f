package io.rtml.registry.webhook;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.List;

/**
 * Body of {@code POST /api/v1/webhooks}.
 *
 * @param eventTypes the event types to deliver; null or empty: every type
 * @param secret the signing key; null: the registry makes a random one (shown once, in the answer)
 */
public record CreateWebhookRequest(@NotNull String url, @Size(max = 32) List<String> eventTypes,
        @Size(min = 24, max = 256) String secret, @Size(max = 10_000) String description) {

    public CreateWebhookRequest {
        description = description == null ? "" : description;
    }

    /** Without the secret: a record's text would print it wherever the request is logged. */
    @Override
    public String toString() {
        return "CreateWebhookRequest[url=" + url + ", eventTypes=" + eventTypes + ", secret="
                + (secret == null ? "null" : "(given)") + ", description=" + description + "]";
    }
}
