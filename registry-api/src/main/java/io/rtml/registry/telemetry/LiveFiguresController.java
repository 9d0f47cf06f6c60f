package io.rtml.registry.telemetry;

import static io.rtml.problem.ErrorCode.SERVICE_NOT_FOUND;

import io.rtml.registry.access.Actor;
import io.rtml.registry.access.Role;
import io.rtml.registry.access.Resource;
import io.rtml.registry.apidocs.ProblemCodes;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Tag(name = "telemetry")
class LiveFiguresController {

    private final LiveFigures figures;

    LiveFiguresController(LiveFigures figures) {
        this.figures = figures;
    }

    /** Rate, error ratio, p50 and p99 per version and per target over the last minutes (default 5, at most 60). */
    @ProblemCodes({SERVICE_NOT_FOUND})
    @GetMapping("/api/v1/services/{name}/telemetry")
    LiveFiguresResponse get(@PathVariable String name, @RequestParam(required = false) Integer minutes, Actor actor) {
        actor.require(Role.VIEWER, Resource.SERVICE, name);
        return figures.of(name, minutes);
    }
}
