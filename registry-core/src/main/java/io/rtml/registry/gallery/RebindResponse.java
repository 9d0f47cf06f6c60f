package io.rtml.registry.gallery;

import java.util.List;

/**
 * A rebind's outcome: the service as it is now, the model it was bound to, and the warnings
 * (signature differences that {@code force} let through, or why no comparison was possible).
 */
public record RebindResponse(ServiceResponse service, String previousModel, List<String> warnings) {}
