package io.rtml.registry.deployment;

import io.rtml.registry.access.Actor;
import io.rtml.registry.api.Paging;
import io.rtml.registry.paging.Page;
import jakarta.validation.Valid;
import java.net.URI;
import org.springframework.http.ResponseEntity;
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
    private final Paging paging;

    DeploymentController(DeploymentService deployments, Paging paging) {
        this.deployments = deployments;
        this.paging = paging;
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
