package io.rtml.onnx;

/**
 * Bounds on what the inspector accepts, so that a hostile upload cannot exhaust the registry's
 * (or a scoring node's) memory or stack while being inspected. Checked while the file is walked, not after.
 *
 * @param maxGraphDepth how deep subgraphs (If/Loop/Scan bodies) and value types (sequences of maps
 *     of ...) may nest; the main graph is depth 1
 * @param maxTensorElements the most elements one stored tensor (initializer, constant attribute,
 *     sparse tensor) may declare through its dims
 * @param maxNodes the most nodes in all graphs and functions together; also bounds the number of
 *     signature entries kept in memory (inputs, outputs, dimensions, initializer names, metadata)
 */
public record InspectionLimits(int maxGraphDepth, long maxTensorElements, int maxNodes) {

    public InspectionLimits {
        if (maxGraphDepth < 1 || maxTensorElements < 1 || maxNodes < 1) {
            throw new IllegalArgumentException("inspection limits must be positive: " + maxGraphDepth + ", "
                    + maxTensorElements + ", " + maxNodes);
        }
    }

    /** Generous for real models (the largest public LLM exports stay well inside), tight enough for a 256 MiB heap. */
    public static InspectionLimits defaults() {
        return new InspectionLimits(32, 1L << 31, 1_000_000);
    }
}
