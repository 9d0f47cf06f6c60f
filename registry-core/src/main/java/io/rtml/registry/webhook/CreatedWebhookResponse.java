package io.rtml.registry.webhook;

/** The answer to a webhook creation: the only time its signing secret is shown. */
public record CreatedWebhookResponse(WebhookResponse webhook, String secret) {

    /** Without the secret: a record's text would print it wherever the answer is logged. */
    @Override
    public String toString() {
        return "CreatedWebhookResponse[webhook=" + webhook + ", secret=(hidden)]";
    }
}
