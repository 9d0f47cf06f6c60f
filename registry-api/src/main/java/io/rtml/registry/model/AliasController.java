package io.rtml.registry.model;

import static io.rtml.problem.ErrorCode.ALIAS_NOT_FOUND;
import static io.rtml.problem.ErrorCode.INVALID_NAME;
import static io.rtml.problem.ErrorCode.MODEL_NOT_FOUND;
import static io.rtml.problem.ErrorCode.VERSION_NOT_FOUND;

import io.rtml.registry.access.Actor;
import io.rtml.registry.apidocs.ProblemCodes;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Tag(name = "aliases")
@RequestMapping("/api/v1/models/{name}/aliases/{alias}")
class AliasController {

    private final AliasService aliases;

    AliasController(AliasService aliases) {
        this.aliases = aliases;
    }

    @ProblemCodes({INVALID_NAME, MODEL_NOT_FOUND, VERSION_NOT_FOUND})
    @PutMapping
    AliasResponse set(@PathVariable String name, @PathVariable String alias, @Valid @RequestBody SetAliasRequest request,
            Actor actor) {
        return aliases.set(name, alias, request.version(), actor);
    }

    @ProblemCodes({MODEL_NOT_FOUND, ALIAS_NOT_FOUND})
    @ApiResponse(responseCode = "204", description = "deleted")
    @DeleteMapping
    ResponseEntity<Void> delete(@PathVariable String name, @PathVariable String alias, Actor actor) {
        aliases.delete(name, alias, actor);
        return ResponseEntity.noContent().build();
    }
}
