package io.rtml.registry.target;

import io.rtml.deployment.NodeCredentials;
import io.rtml.registry.access.Actor;
import java.util.Optional;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/** Recognises a scoring node by its target's node credential (its hash, as stored with the target). */
@Component
public class NodeAuthenticator {

    private final TargetRepository targets;

    NodeAuthenticator(TargetRepository targets) {
        this.targets = targets;
    }

    /** The node a bearer secret stands for, if it is the live credential of a target. */
    @Transactional(readOnly = true)
    public Optional<Actor> authenticate(String secret, String address) {
        if (!secret.startsWith(NodeCredentials.PREFIX)) {
            return Optional.empty();
        }
        return targets.findByNodeCredentialHash(NodeCredentials.hash(secret)).map(t -> Actor.node(t.name(), address));
    }
}
