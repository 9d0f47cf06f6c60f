package io.rtml.registry.access;

import jakarta.validation.Valid;
import java.net.URI;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1/tokens")
class TokenController {

    private final TokenService tokens;

    TokenController(TokenService tokens) {
        this.tokens = tokens;
    }

    /** The answer holds the secret; it is never shown again. */
    @PostMapping
    ResponseEntity<CreatedTokenResponse> create(@Valid @RequestBody CreateTokenRequest request, Actor actor) {
        CreatedTokenResponse created = tokens.create(request, actor);
        return ResponseEntity.created(URI.create("/api/v1/tokens/" + created.token().id())).body(created);
    }

    @GetMapping
    List<TokenResponse> list(Actor actor) {
        return tokens.list(actor);
    }

    @DeleteMapping("/{id}")
    ResponseEntity<Void> revoke(@PathVariable long id, Actor actor) {
        tokens.revoke(id, actor);
        return ResponseEntity.noContent().build();
    }
}
