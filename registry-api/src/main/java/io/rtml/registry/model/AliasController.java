package io.rtml.registry.model;

import io.rtml.registry.access.Actor;
import jakarta.validation.Valid;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1/models/{name}/aliases/{alias}")
class AliasController {

    private final AliasService aliases;

    AliasController(AliasService aliases) {
        this.aliases = aliases;
    }

    @PutMapping
    AliasResponse set(@PathVariable String name, @PathVariable String alias, @Valid @RequestBody SetAliasRequest request,
            Actor actor) {
        return aliases.set(name, alias, request.version(), actor);
    }

    @DeleteMapping
    ResponseEntity<Void> delete(@PathVariable String name, @PathVariable String alias, Actor actor) {
        aliases.delete(name, alias, actor);
        return ResponseEntity.noContent().build();
    }
}
