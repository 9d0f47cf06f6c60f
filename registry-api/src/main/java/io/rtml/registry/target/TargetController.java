package io.rtml.registry.target;

import io.rtml.registry.access.Actor;
import io.rtml.registry.deployment.DesiredStateResponse;
import io.rtml.registry.deployment.DesiredStateService;
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
@RequestMapping("/api/v1/targets")
class TargetController {

    private final TargetService targets;
    private final DesiredStateService desiredState;

    TargetController(TargetService targets, DesiredStateService desiredState) {
        this.targets = targets;
        this.desiredState = desiredState;
    }

    /** For a scoring node that starts empty: what it should serve, with presigned artifact URLs. */
    @GetMapping("/{name}/desired-state")
    DesiredStateResponse desiredState(@PathVariable String name, Actor actor) {
        return desiredState.of(name, actor);
    }

    @PostMapping
    ResponseEntity<TargetResponse> create(@Valid @RequestBody CreateTargetRequest request, Actor actor) {
        TargetResponse created = targets.create(request, actor);
        return ResponseEntity.created(URI.create("/api/v1/targets/" + created.name())).body(created);
    }

    /** A new node credential for the target, shown once; the old one stops working at once (admin). */
    @PostMapping("/{name}/node-credential")
    TargetResponse rotateCredential(@PathVariable String name, Actor actor) {
        return targets.rotateCredential(name, actor);
    }

    @GetMapping
    List<TargetResponse> list() {
        return targets.list();
    }

    @GetMapping("/{name}")
    TargetResponse get(@PathVariable String name) {
        return targets.get(name);
    }

    @PatchMapping("/{name}")
    TargetResponse update(@PathVariable String name, @Valid @RequestBody UpdateTargetRequest request, Actor actor) {
        return targets.update(name, request, actor);
    }

    @DeleteMapping("/{name}")
    ResponseEntity<Void> delete(@PathVariable String name, Actor actor) {
        targets.delete(name, actor);
        return ResponseEntity.noContent().build();
    }
}
