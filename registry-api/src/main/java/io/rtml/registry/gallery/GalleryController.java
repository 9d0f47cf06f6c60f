package io.rtml.registry.gallery;

import static io.rtml.problem.ErrorCode.DEPLOYMENT_IN_PROGRESS;
import static io.rtml.problem.ErrorCode.INVALID_NAME;
import static io.rtml.problem.ErrorCode.INVALID_PAGE_TOKEN;
import static io.rtml.problem.ErrorCode.MODEL_NOT_FOUND;
import static io.rtml.problem.ErrorCode.SERVICE_ALREADY_EXISTS;
import static io.rtml.problem.ErrorCode.SERVICE_NOT_FOUND;
import static io.rtml.problem.ErrorCode.SIGNATURE_MISMATCH;
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
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Tag(name = "services")
@RequestMapping("/api/v1/services")
class GalleryController {

    private final GalleryService gallery;
    private final ServiceRebinding rebinding;
    private final Paging paging;

    GalleryController(GalleryService gallery, ServiceRebinding rebinding, Paging paging) {
        this.gallery = gallery;
        this.rebinding = rebinding;
        this.paging = paging;
    }

    @ProblemCodes({INVALID_NAME, MODEL_NOT_FOUND, SERVICE_ALREADY_EXISTS})
    @ApiResponse(responseCode = "201", description = "created; Location names it", useReturnTypeSchema = true)
    @PostMapping
    ResponseEntity<ServiceResponse> create(@Valid @RequestBody CreateServiceRequest request, Actor actor) {
        ServiceResponse created = gallery.create(request, actor);
        return ResponseEntity.created(URI.create("/api/v1/services/" + created.name())).body(created);
    }

    /** The gallery: every service with what runs where; filter by model, target or region. */
    @ProblemCodes({INVALID_PAGE_TOKEN})
    @GetMapping
    Page<ServiceResponse> list(@RequestParam(required = false) String model, @RequestParam(required = false) String target,
            @RequestParam(required = false) String region, @RequestParam(required = false) Integer pageSize,
            @RequestParam(required = false) String pageToken, Actor actor) {
        return gallery.list(new GalleryFilter(model, target, region), paging.of(pageSize, pageToken), actor);
    }

    @ProblemCodes({SERVICE_NOT_FOUND})
    @GetMapping("/{name}")
    ServiceResponse get(@PathVariable String name, Actor actor) {
        actor.require(Role.VIEWER, Resource.SERVICE, name);
        return gallery.get(name);
    }

    /** Binds the service to another model; the next deployment takes a version of it. */
    @ProblemCodes({SERVICE_NOT_FOUND, MODEL_NOT_FOUND, VERSION_NOT_FOUND, DEPLOYMENT_IN_PROGRESS, SIGNATURE_MISMATCH})
    @PatchMapping("/{name}")
    RebindResponse rebind(@PathVariable String name, @Valid @RequestBody RebindServiceRequest request, Actor actor) {
        return rebinding.rebind(name, request, actor);
    }
}
