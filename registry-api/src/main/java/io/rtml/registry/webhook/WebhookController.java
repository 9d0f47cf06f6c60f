package io.rtml.registry.webhook;

import static io.rtml.problem.ErrorCode.WEBHOOK_NOT_FOUND;

import io.rtml.registry.access.Actor;
import io.rtml.registry.api.Paging;
import io.rtml.registry.apidocs.ProblemCodes;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
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
@Tag(name = "webhooks")
@RequestMapping("/api/v1/webhooks")
class WebhookController {

    private final WebhookService webhooks;
    private final Paging paging;

    WebhookController(WebhookService webhooks, Paging paging) {
        this.webhooks = webhooks;
        this.paging = paging;
    }

    /** The answer holds the signing secret; it is never shown again. */
    @ApiResponse(responseCode = "201", description = "created; Location names it", useReturnTypeSchema = true)
    @PostMapping
    ResponseEntity<CreatedWebhookResponse> create(@Valid @RequestBody CreateWebhookRequest request, Actor actor) {
        CreatedWebhookResponse created = webhooks.create(request, actor);
        return ResponseEntity.created(URI.create("/api/v1/webhooks/" + created.webhook().id())).body(created);
    }

    @GetMapping
    List<WebhookResponse> list(Actor actor) {
        return webhooks.list(actor);
    }

    @ProblemCodes({WEBHOOK_NOT_FOUND})
    @GetMapping("/{id}")
    WebhookResponse get(@PathVariable long id, Actor actor) {
        return webhooks.get(id, actor);
    }

    /** Newest first; {@code before}: the last delivery id of the previous page. */
    @ProblemCodes({WEBHOOK_NOT_FOUND})
    @GetMapping("/{id}/deliveries")
    List<DeliveryResponse> deliveries(@PathVariable long id, @RequestParam(defaultValue = Long.MAX_VALUE + "") long before,
            @RequestParam(required = false) Integer limit, Actor actor) {
        return webhooks.deliveries(id, before, paging.limit(limit), actor);
    }

    @ProblemCodes({WEBHOOK_NOT_FOUND})
    @ApiResponse(responseCode = "204", description = "deleted, with its deliveries")
    @DeleteMapping("/{id}")
    ResponseEntity<Void> delete(@PathVariable long id, Actor actor) {
        webhooks.delete(id, actor);
        return ResponseEntity.noContent().build();
    }
}
