package io.rtml.registry.deployment;

import io.rtml.registry.access.Actor;
import io.rtml.registry.api.Paging;
import io.rtml.registry.paging.Page;
import jakarta.validation.Valid;
import java.net.URI;
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
@RequestMapping("/api/v1/services/{name}")
class DeploymentController {

    private final DeploymentService deployments;
    private final ServiceRemoval removal;
    private final Paging paging;

    DeploymentController(DeploymentService deployments, ServiceRemoval removal, Paging paging) {
        this.deployments = deployments;
        this.removal = removal;
        this.paging = paging;
    }

    /**
     * 204 when the service never reached a node (deleted at once); else 202 with the UNDEPLOY
     * deployment, after which the deployer deletes the service (the Location answers 404 then).
     */
    @DeleteMapping
    ResponseEntity<DeploymentResponse> delete(@PathVariable String name, Actor actor) {
        return removal.delete(name, actor).map(DeploymentController::accepted)
                .orElseGet(() -> ResponseEntity.noContent().build());
    }

    /** Accepted, not done: the deployer carries it out; poll the Location for its progress. */
    @PostMapping("/deployments")
    ResponseEntity<DeploymentResponse> deploy(@PathVariable String name, @Valid @RequestBody DeployRequest request,
            Actor actor) {
        return accepted(deployments.deploy(name, request, actor));
    }

    @PostMapping("/rollback")
    ResponseEntity<DeploymentResponse> rollback(@PathVariable String name,
            @Valid @RequestBody(required = false) RollbackRequest request, Actor actor) {
        return accepted(deployments.rollback(name, request == null ? new RollbackRequest(null) : request, actor));
    }

    /** A rollout's next step now (or the end, at the last): the deployer takes it at once. */
    @PostMapping("/deployments/{id}/promote")
    ResponseEntity<DeploymentResponse> promote(@PathVariable String name, @PathVariable long id, Actor actor) {
        return accepted(deployments.decide(name, id, "PROMOTE", actor));
    }

    /** A rollout rolled back now: every target back to 100% on the stable version. */
    @PostMapping("/deployments/{id}/abort")
    ResponseEntity<DeploymentResponse> abort(@PathVariable String name, @PathVariable long id, Actor actor) {
        return accepted(deployments.decide(name, id, "ABORT", actor));
    }

    @GetMapping("/deployments")
    Page<DeploymentResponse> list(@PathVariable String name, @RequestParam(required = false) Integer pageSize,
            @RequestParam(required = false) String pageToken) {
        return deployments.list(name, paging.of(pageSize, pageToken));
    }

    @GetMapping("/deployments/{id}")
    DeploymentResponse get(@PathVariable String name, @PathVariable long id) {
        return deployments.get(name, id);
    }

    private static ResponseEntity<DeploymentResponse> accepted(DeploymentResponse deployment) {
        return ResponseEntity.accepted()
                .location(URI.create("/api/v1/services/" + deployment.service() + "/deployments/" + deployment.id()))
                .body(deployment);
    }
}
