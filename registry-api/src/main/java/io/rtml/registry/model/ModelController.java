package io.rtml.registry.model;

import static io.rtml.problem.ErrorCode.INVALID_NAME;
import static io.rtml.problem.ErrorCode.INVALID_PAGE_TOKEN;
import static io.rtml.problem.ErrorCode.MODEL_ALREADY_EXISTS;
import static io.rtml.problem.ErrorCode.MODEL_IN_USE;
import static io.rtml.problem.ErrorCode.MODEL_NOT_FOUND;

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
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Tag(name = "models")
@RequestMapping("/api/v1/models")
class ModelController {

    private final ModelService models;
    private final Paging paging;

    ModelController(ModelService models, Paging paging) {
        this.models = models;
        this.paging = paging;
    }

    @ProblemCodes({INVALID_NAME, MODEL_ALREADY_EXISTS})
    @ApiResponse(responseCode = "201", description = "created; Location names it", useReturnTypeSchema = true)
    @PostMapping
    ResponseEntity<ModelResponse> create(@Valid @RequestBody CreateModelRequest request, Actor actor) {
        ModelResponse created = models.create(request, actor);
        return ResponseEntity.created(URI.create("/api/v1/models/" + created.name())).body(created);
    }

    @ProblemCodes({INVALID_PAGE_TOKEN})
    @GetMapping
    Page<ModelResponse> list(@RequestParam(required = false) String query, @RequestParam(required = false) List<String> tag,
            @RequestParam(required = false) Integer pageSize, @RequestParam(required = false) String pageToken, Actor actor) {
        return models.list(query, TagFilter.parse(tag), paging.of(pageSize, pageToken), actor);
    }

    @ProblemCodes({MODEL_NOT_FOUND})
    @GetMapping("/{name}")
    ModelResponse get(@PathVariable String name, Actor actor) {
        actor.require(Role.VIEWER, Resource.MODEL, name);
        return models.get(name);
    }

    @ProblemCodes({MODEL_NOT_FOUND})
    @PatchMapping("/{name}")
    ModelResponse update(@PathVariable String name, @Valid @RequestBody UpdateModelRequest request, Actor actor) {
        return models.update(name, request, actor);
    }

    @ProblemCodes({MODEL_NOT_FOUND, MODEL_IN_USE})
    @ApiResponse(responseCode = "204", description = "deleted")
    @DeleteMapping("/{name}")
    ResponseEntity<Void> delete(@PathVariable String name, Actor actor) {
        models.delete(name, actor);
        return ResponseEntity.noContent().build();
    }
}
