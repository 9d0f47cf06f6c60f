package io.rtml.registry.access;

import static io.rtml.problem.ErrorCode.MALFORMED_REQUEST;
import static io.rtml.problem.ErrorCode.NOT_FOUND;

import io.rtml.registry.apidocs.ProblemCodes;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
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
@Tag(name = "tokens")
@RequestMapping("/api/v1/tokens")
class TokenController {

    private final TokenService tokens;

    TokenController(TokenService tokens) {
        this.tokens = tokens;
    }

    /** The answer holds the secret; it is never shown again. */
    @ApiResponse(responseCode = "201", description = "created; Location names it", useReturnTypeSchema = true)
    @PostMapping
    ResponseEntity<CreatedTokenResponse> create(@Valid @RequestBody CreateTokenRequest request, Actor actor) {
        CreatedTokenResponse created = tokens.create(request, actor);
        return ResponseEntity.created(URI.create("/api/v1/tokens/" + created.token().id())).body(created);
    }

    @GetMapping
    List<TokenResponse> list(Actor actor) {
        return tokens.list(actor);
    }

    @ProblemCodes({NOT_FOUND, MALFORMED_REQUEST})
    @ApiResponse(responseCode = "204", description = "deleted")
    @DeleteMapping("/{id}")
    ResponseEntity<Void> revoke(@PathVariable long id, Actor actor) {
        tokens.revoke(id, actor);
        return ResponseEntity.noContent().build();
    }
}
