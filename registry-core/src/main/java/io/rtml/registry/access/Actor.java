package io.rtml.registry.access;

import io.rtml.problem.ErrorCode;
import io.rtml.problem.RtmlException;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Who asks for something, from where, and what they may do. Passed explicitly into every service
 * call, and the services check it: the domain, not the HTTP layer, decides what is allowed, so
 * every entry point (REST, CLI, jobs) gets the same rules.
 *
 * @param scopes name patterns ({@code team-a.*}) that limit the roles to some models and
 *     services; empty means all
 */
public record Actor(String name, String address, Set<Role> roles, List<String> scopes) {

    /** Where the HTTP layer keeps the authenticated actor of a request. */
    public static final String REQUEST_ATTRIBUTE = Actor.class.getName();

    public Actor {
        roles = roles.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(roles));
        scopes = List.copyOf(scopes);
    }

    public static Actor system() {
        return new Actor("system", null, Set.of(Role.ADMIN), List.of());
    }

    /** Refuses unless this actor holds {@code role} for the named model or service. */
    public void require(Role role, String resourceName) {
        if (!allows(role, resourceName)) {
            throw new RtmlException(ErrorCode.FORBIDDEN, name + " may not do this: it needs the " + role.label()
                    + " role" + (resourceName == null ? " without scope limits" : " for '" + resourceName + "'"));
        }
    }

    /** Refuses unless this actor holds {@code role} with no scope limit (token management, say). */
    public void requireUnscoped(Role role) {
        require(role, null);
    }

    public boolean allows(Role role, String resourceName) {
        boolean hasRole = roles.contains(Role.ADMIN) || roles.contains(role) || (role == Role.VIEWER && !roles.isEmpty());
        if (!hasRole) {
            return false;
        }
        return resourceName == null ? scopes.isEmpty() : Scopes.matches(scopes, resourceName);
    }
}
