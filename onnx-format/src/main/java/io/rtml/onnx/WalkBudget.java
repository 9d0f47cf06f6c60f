package io.rtml.onnx;

/**
 * Counts what one walk has seen against the {@link InspectionLimits}, so that the walk stops at the
 * first excess instead of after a hostile file has filled the heap or the stack.
 */
final class WalkBudget {

    /** Characters of names and texts kept in memory for one model: ~32 MiB of heap at most. */
    private static final long MAX_KEPT_CHARS = 16L << 20;

    private final InspectionLimits limits;
    private long nodes;
    private long entries;
    private long keptChars;

    WalkBudget(InspectionLimits limits) {
        this.limits = limits;
    }

    InspectionLimits limits() {
        return limits;
    }

    void graphAt(int depth) {
        if (depth > limits.maxGraphDepth()) {
            throw OnnxRefusal.tooComplex("its subgraphs (bodies of If, Loop, Scan, ...) nest more than "
                    + limits.maxGraphDepth() + " levels deep");
        }
    }

    void typeAt(int depth) {
        if (depth > limits.maxGraphDepth()) {
            throw OnnxRefusal.tooComplex("a value type (sequences, maps, optionals inside each other) nests more than "
                    + limits.maxGraphDepth() + " levels deep");
        }
    }

    void node() {
        if (++nodes > limits.maxNodes()) {
            throw OnnxRefusal.tooComplex("it has more than " + limits.maxNodes() + " nodes");
        }
    }

    /** One entry the walk keeps (an input, a dimension, an initializer name, a metadata pair). */
    void keep(String text) {
        keptChars += text == null ? 0 : text.length();
        if (++entries > limits.maxNodes() || keptChars > MAX_KEPT_CHARS) {
            throw OnnxRefusal.tooComplex("its inputs, outputs, dimensions, initializer names and metadata together exceed "
                    + limits.maxNodes() + " entries or " + MAX_KEPT_CHARS + " characters");
        }
    }

    long nodes() {
        return nodes;
    }
}
