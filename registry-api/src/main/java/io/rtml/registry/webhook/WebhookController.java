package io.rtml.registry.webhook;

import io.rtml.registry.access.Actor;
import io.rtml.registry.api.Paging;
import jakarta.validation.Valid;
import java.net.URI;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1/webhooks")
class WebhookController {

    private final WebhookService webhooks;
    private final Paging paging;

    WebhookController(WebhookService webhooks, Paging paging) {
        this.webhooks = webhooks;
        this.paging = paging;
    }

    /** The answer holds the signing secret; it is never shown again. */
    @PostMapping
    ResponseEntity<CreatedWebhookResponse> create(@Valid @RequestBody CreateWebhookRequest request, Actor actor) {
        CreatedWebhookResponse created = webhooks.create(request, actor);
        return ResponseEntity.created(URI.create("/api/v1/webhooks/" + created.webhook().id())).body(created);
    }

    @GetMapping
    List<WebhookResponse> list(Actor actor) {
        return webhooks.list(actor);
    }

    @GetMapping("/{id}")
    WebhookResponse get(@PathVariable long id, Actor actor) {
        return webhooks.get(id, actor);
    }

    /** Newest first; {@code before}: the last delivery id of the previous page. */
    @GetMapping("/{id}/deliveries")
    List<DeliveryResponse> deliveries(@PathVariable long id, @RequestParam(defaultValue = Long.MAX_VALUE + "") long before,
            @RequestParam(required = false) Integer limit, Actor actor) {
        return webhooks.deliveries(id, before, paging.limit(limit), actor);
    }

    @DeleteMapping("/{id}")
    ResponseEntity<Void> delete(@PathVariable long id, Actor actor) {
        webhooks.delete(id, actor);
        return ResponseEntity.noContent().build();
    }
}
