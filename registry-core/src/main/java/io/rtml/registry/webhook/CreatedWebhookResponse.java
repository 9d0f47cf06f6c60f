package io.rtml.registry.webhook;

/** The answer to a webhook creation: the only time its signing secret is shown. */
public record CreatedWebhookResponse(WebhookResponse webhook, String secret) {}
