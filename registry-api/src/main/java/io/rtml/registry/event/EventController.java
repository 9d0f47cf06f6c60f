package io.rtml.registry.event;

import io.rtml.registry.access.Actor;
import io.rtml.registry.api.Paging;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Tag(name = "events")
class EventController {

    private final EventLog events;
    private final Paging paging;

    EventController(EventLog events, Paging paging) {
        this.events = events;
        this.paging = paging;
    }

    /**
     * Events after an id, oldest first; with {@code before}, the events before that id, newest first (a
     * service's recent history, then older pages). {@code types} comma-separated or repeated; {@code service}:
     * only the events about that service.
     */
    @GetMapping("/api/v1/events")
    EventPage list(@RequestParam(defaultValue = "0") long after, @RequestParam(required = false) Long before,
            @RequestParam(required = false) Integer limit, @RequestParam(required = false) List<String> types,
            @RequestParam(required = false) String service, Actor actor) {
        return events.list(actor, new EventLog.Window(after, before, types, service), paging.limit(limit));
    }
}
