package io.rtml.registry.target;

import static io.rtml.problem.ErrorCode.CONFLICT;
import static io.rtml.problem.ErrorCode.INVALID_NAME;
import static io.rtml.problem.ErrorCode.NODE_CREDENTIALS_UNCONFIGURED;
import static io.rtml.problem.ErrorCode.STORAGE_UNAVAILABLE;
import static io.rtml.problem.ErrorCode.TARGET_NOT_FOUND;

import io.rtml.registry.access.Actor;
import io.rtml.registry.apidocs.ProblemCodes;
import io.rtml.registry.deployment.DesiredStateResponse;
import io.rtml.registry.deployment.DesiredStateService;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import java.net.URI;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Tag(name = "targets")
@RequestMapping("/api/v1/targets")
class TargetController {

    private final TargetService targets;
    private final DesiredStateService desiredState;

    TargetController(TargetService targets, DesiredStateService desiredState) {
        this.targets = targets;
        this.desiredState = desiredState;
    }

    /** For a scoring node that starts empty: what it should serve, with presigned artifact URLs. */
    @ProblemCodes({TARGET_NOT_FOUND, STORAGE_UNAVAILABLE})
    @GetMapping("/{name}/desired-state")
    DesiredStateResponse desiredState(@PathVariable String name, Actor actor) {
        return desiredState.of(name, actor);
    }

    @ProblemCodes({INVALID_NAME, CONFLICT, NODE_CREDENTIALS_UNCONFIGURED})
    @ApiResponse(responseCode = "201", description = "created; Location names it", useReturnTypeSchema = true)
    @PostMapping
    ResponseEntity<TargetResponse> create(@Valid @RequestBody CreateTargetRequest request, Actor actor) {
        TargetResponse created = targets.create(request, actor);
        return ResponseEntity.created(URI.create("/api/v1/targets/" + created.name())).body(created);
    }

    /** A new node credential for the target, shown once; the old one stops working at once (admin). */
    @ProblemCodes({TARGET_NOT_FOUND, NODE_CREDENTIALS_UNCONFIGURED})
    @PostMapping("/{name}/node-credential")
    TargetResponse rotateCredential(@PathVariable String name, Actor actor) {
        return targets.rotateCredential(name, actor);
    }

    @GetMapping
    List<TargetResponse> list(Actor actor) {
        actor.requireReader();
        return targets.list();
    }

    @ProblemCodes({TARGET_NOT_FOUND})
    @GetMapping("/{name}")
    TargetResponse get(@PathVariable String name, Actor actor) {
        actor.requireReader();
        return targets.get(name);
    }

    @ProblemCodes({TARGET_NOT_FOUND, NODE_CREDENTIALS_UNCONFIGURED})
    @PatchMapping("/{name}")
    TargetResponse update(@PathVariable String name, @Valid @RequestBody UpdateTargetRequest request, Actor actor) {
        return targets.update(name, request, actor);
    }

    @ProblemCodes({TARGET_NOT_FOUND, CONFLICT})
    @ApiResponse(responseCode = "204", description = "deleted")
    @DeleteMapping("/{name}")
    ResponseEntity<Void> delete(@PathVariable String name, Actor actor) {
        targets.delete(name, actor);
        return ResponseEntity.noContent().build();
    }
}
