package io.rtml.registry.version;

import static io.rtml.problem.ErrorCode.INVALID_EXAMPLE;
import static io.rtml.problem.ErrorCode.MODEL_NOT_FOUND;
import static io.rtml.problem.ErrorCode.NOT_FOUND;
import static io.rtml.problem.ErrorCode.VERSION_NOT_FOUND;

import io.rtml.registry.access.Role;
import io.rtml.registry.access.Resource;
import io.rtml.registry.access.Actor;
import io.rtml.registry.apidocs.ProblemCodes;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** A version's example request, as JSON text: checked and stored as the registry keeps it. */
@RestController
@Tag(name = "examples")
@RequestMapping(path = "/api/v1/models/{name}/versions/{ref}/example", produces = MediaType.APPLICATION_JSON_VALUE)
class ExampleController {

    private final ExampleService examples;

    ExampleController(ExampleService examples) {
        this.examples = examples;
    }

    @ProblemCodes({MODEL_NOT_FOUND, VERSION_NOT_FOUND, NOT_FOUND})
    @GetMapping
    String get(@PathVariable String name, @PathVariable String ref, Actor actor) {
        actor.require(Role.VIEWER, Resource.MODEL, name);
        return examples.get(name, ref);
    }

    @ProblemCodes({MODEL_NOT_FOUND, VERSION_NOT_FOUND, INVALID_EXAMPLE})
    @PutMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    String put(@PathVariable String name, @PathVariable String ref, @RequestBody String body, Actor actor) {
        return examples.put(name, ref, body, actor);
    }

    @ProblemCodes({MODEL_NOT_FOUND, VERSION_NOT_FOUND, NOT_FOUND})
    @ApiResponse(responseCode = "204", description = "deleted")
    @DeleteMapping
    ResponseEntity<Void> delete(@PathVariable String name, @PathVariable String ref, Actor actor) {
        examples.delete(name, ref, actor);
        return ResponseEntity.noContent().build();
    }
}
