package io.rtml.registry.model;

import io.rtml.registry.api.Paging;
import io.rtml.registry.access.Actor;
import io.rtml.registry.paging.Page;
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
@RequestMapping("/api/v1/models")
class ModelController {

    private final ModelService models;
    private final Paging paging;

    ModelController(ModelService models, Paging paging) {
        this.models = models;
        this.paging = paging;
    }

    @PostMapping
    ResponseEntity<ModelResponse> create(@Valid @RequestBody CreateModelRequest request, Actor actor) {
        ModelResponse created = models.create(request, actor);
        return ResponseEntity.created(URI.create("/api/v1/models/" + created.name())).body(created);
    }

    @GetMapping
    Page<ModelResponse> list(@RequestParam(required = false) String query, @RequestParam(required = false) List<String> tag,
            @RequestParam(required = false) Integer pageSize, @RequestParam(required = false) String pageToken) {
        return models.list(query, TagFilter.parse(tag), paging.of(pageSize, pageToken));
    }

    @GetMapping("/{name}")
    ModelResponse get(@PathVariable String name) {
        return models.get(name);
    }

    @PatchMapping("/{name}")
    ModelResponse update(@PathVariable String name, @Valid @RequestBody UpdateModelRequest request, Actor actor) {
        return models.update(name, request, actor);
    }

    @DeleteMapping("/{name}")
    ResponseEntity<Void> delete(@PathVariable String name, Actor actor) {
        models.delete(name, actor);
        return ResponseEntity.noContent().build();
    }
}
