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
 * @param scopes typed name patterns ({@code model:team-a.*}, see {@link Scopes}) that limit the
 *     roles to some models, services or targets; empty means all
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

    /** A scoring node, authenticated by its target's node credential: it may act only as that target. */
    public static Actor node(String targetName, String address) {
        return new Actor("node:" + targetName, address, Set.of(Role.NODE), List.of(Resource.TARGET.prefix() + targetName));
    }

    /** Whether this actor is a scoring node's credential (and nothing else). */
    public boolean isNode() {
        return roles.equals(Set.of(Role.NODE));
    }

    /** Refuses unless this actor holds {@code role} for the {@code kind} named {@code resourceName}. */
    public void require(Role role, Resource kind, String resourceName) {
        if (!allows(role, kind, resourceName)) {
            throw new RtmlException(ErrorCode.FORBIDDEN, name + " may not do this: it needs the " + role.label()
                    + " role for " + kind.prefix() + "'" + resourceName + "'");
        }
    }

    /** Refuses unless this actor holds {@code role} with no scope limit (token management, say). */
    public void requireUnscoped(Role role) {
        if (!hasRole(role) || !scopes.isEmpty()) {
            throw new RtmlException(ErrorCode.FORBIDDEN, name + " may not do this: it needs the " + role.label()
                    + " role without scope limits");
        }
    }

    /**
     * Refuses unless this actor is an API token, whatever its scopes: for what every token may read
     * (targets, the shared infrastructure a scoped deployer deploys to). Node credentials may not.
     */
    public void requireReader() {
        if (!hasRole(Role.VIEWER)) {
            throw new RtmlException(ErrorCode.FORBIDDEN, name + " may not do this: it needs an API token");
        }
    }

    public boolean allows(Role role, Resource kind, String resourceName) {
        return hasRole(role) && Scopes.matches(scopes, kind, resourceName);
    }

    /** Every role but a node's may read; admin may do everything. */
    private boolean hasRole(Role role) {
        return roles.contains(Role.ADMIN) || roles.contains(role) || (role == Role.VIEWER && !roles.isEmpty() && !isNode());
    }
}
