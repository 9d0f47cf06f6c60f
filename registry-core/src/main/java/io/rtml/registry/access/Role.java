package io.rtml.registry.access;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.rtml.problem.ErrorCode;
import io.rtml.problem.RtmlException;
import java.util.Locale;

/**
 * What a token may do. Every role but {@code node} may read; {@code admin} may do everything.
 */
public enum Role {
    /** Read models, versions, services, audit. */
    VIEWER,
    /** Create models, upload versions, change tags, descriptions and aliases. */
    PUBLISHER,
    /** Deploy and roll back services, manage targets. */
    DEPLOYER,
    /** Tokens and deletes, and everything the other roles may do. */
    ADMIN,
    /**
     * A scoring node's credential: it reads its own target's desired state and nothing else. Never
     * given to an API token; each target has its own node credential (see docs/security.md).
     */
    NODE;

    @JsonValue
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static Role of(String label) {
        for (Role role : values()) {
            if (role.label().equals(label)) {
                return role;
            }
        }
        throw new RtmlException(ErrorCode.VALIDATION_FAILED,
                "unknown role '" + label + "'; roles are viewer, publisher, deployer and admin");
    }
}
