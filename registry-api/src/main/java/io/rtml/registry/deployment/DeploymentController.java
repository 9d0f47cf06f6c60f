package io.rtml.registry.deployment;

import static io.rtml.problem.ErrorCode.DEPLOYMENT_IN_PROGRESS;
import static io.rtml.problem.ErrorCode.DEPLOYMENT_NOT_FOUND;
import static io.rtml.problem.ErrorCode.INVALID_PAGE_TOKEN;
import static io.rtml.problem.ErrorCode.MALFORMED_REQUEST;
import static io.rtml.problem.ErrorCode.NOTHING_TO_ROLL_BACK;
import static io.rtml.problem.ErrorCode.NOT_ROLLING_OUT;
import static io.rtml.problem.ErrorCode.SERVICE_NOT_FOUND;
import static io.rtml.problem.ErrorCode.SIGNATURE_INCOMPATIBLE;
import static io.rtml.problem.ErrorCode.TARGET_NOT_FOUND;
import static io.rtml.problem.ErrorCode.VERSION_NOT_FOUND;

import io.rtml.registry.access.Role;
import io.rtml.registry.access.Resource;
import io.rtml.registry.access.Actor;
import io.rtml.registry.api.Paging;
import io.rtml.registry.apidocs.ProblemCodes;
import io.rtml.registry.paging.Page;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
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
@Tag(name = "deployments")
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
    @ProblemCodes({SERVICE_NOT_FOUND, DEPLOYMENT_IN_PROGRESS})
    @ApiResponse(responseCode = "202", description = "an UNDEPLOY from every target it reached",
            useReturnTypeSchema = true)
    @ApiResponse(responseCode = "204", description = "deleted at once: it never reached a node")
    @DeleteMapping
    ResponseEntity<DeploymentResponse> delete(@PathVariable String name, Actor actor) {
        return removal.delete(name, actor).map(DeploymentController::accepted)
                .orElseGet(() -> ResponseEntity.noContent().build());
    }

    /** Accepted, not done: the deployer carries it out; poll the Location for its progress. */
    @ProblemCodes({SERVICE_NOT_FOUND, VERSION_NOT_FOUND, TARGET_NOT_FOUND, DEPLOYMENT_IN_PROGRESS, SIGNATURE_INCOMPATIBLE})
    @ApiResponse(responseCode = "202", description = "accepted: the deployer carries it out; poll the Location",
            useReturnTypeSchema = true)
    @PostMapping("/deployments")
    ResponseEntity<DeploymentResponse> deploy(@PathVariable String name, @Valid @RequestBody DeployRequest request,
            Actor actor) {
        return accepted(deployments.deploy(name, request, actor));
    }

    @ProblemCodes({SERVICE_NOT_FOUND, VERSION_NOT_FOUND, NOTHING_TO_ROLL_BACK, DEPLOYMENT_IN_PROGRESS, SIGNATURE_INCOMPATIBLE})
    @ApiResponse(responseCode = "202", description = "accepted: the deployer carries it out; poll the Location",
            useReturnTypeSchema = true)
    @PostMapping("/rollback")
    ResponseEntity<DeploymentResponse> rollback(@PathVariable String name,
            @Valid @RequestBody(required = false) RollbackRequest request, Actor actor) {
        return accepted(deployments.rollback(name, request == null ? new RollbackRequest(null) : request, actor));
    }

    /** A rollout's next step now (or the end, at the last): the deployer takes it at once. */
    @ProblemCodes({MALFORMED_REQUEST, SERVICE_NOT_FOUND, DEPLOYMENT_NOT_FOUND, NOT_ROLLING_OUT})
    @ApiResponse(responseCode = "202", description = "accepted: the deployer carries it out; poll the Location",
            useReturnTypeSchema = true)
    @PostMapping("/deployments/{id}/promote")
    ResponseEntity<DeploymentResponse> promote(@PathVariable String name, @PathVariable long id, Actor actor) {
        return accepted(deployments.decide(name, id, "PROMOTE", actor));
    }

    /** A rollout rolled back now: every target back to 100% on the stable version. */
    @ProblemCodes({MALFORMED_REQUEST, SERVICE_NOT_FOUND, DEPLOYMENT_NOT_FOUND, NOT_ROLLING_OUT})
    @ApiResponse(responseCode = "202", description = "accepted: the deployer carries it out; poll the Location",
            useReturnTypeSchema = true)
    @PostMapping("/deployments/{id}/abort")
    ResponseEntity<DeploymentResponse> abort(@PathVariable String name, @PathVariable long id, Actor actor) {
        return accepted(deployments.decide(name, id, "ABORT", actor));
    }

    @ProblemCodes({SERVICE_NOT_FOUND, INVALID_PAGE_TOKEN})
    @GetMapping("/deployments")
    Page<DeploymentResponse> list(@PathVariable String name, @RequestParam(required = false) Integer pageSize,
            @RequestParam(required = false) String pageToken, Actor actor) {
        actor.require(Role.VIEWER, Resource.SERVICE, name);
        return deployments.list(name, paging.of(pageSize, pageToken));
    }

    @ProblemCodes({MALFORMED_REQUEST, SERVICE_NOT_FOUND, DEPLOYMENT_NOT_FOUND})
    @GetMapping("/deployments/{id}")
    DeploymentResponse get(@PathVariable String name, @PathVariable long id, Actor actor) {
        actor.require(Role.VIEWER, Resource.SERVICE, name);
        return deployments.get(name, id);
    }

    private static ResponseEntity<DeploymentResponse> accepted(DeploymentResponse deployment) {
        return ResponseEntity.accepted()
                .location(URI.create("/api/v1/services/" + deployment.service() + "/deployments/" + deployment.id()))
                .body(deployment);
    }
}
