package io.rtml.scoring.runtime;

import io.rtml.scoring.http.ApiException;

/**
 * How many bytes one request may decode into input tensors. Every tensor charges its buffer before
 * allocating or growing it, so a small body that declares huge shapes, or repeats its data, cannot
 * make the node allocate more than this; the request gets a 400 instead.
 */
public final class TensorBudget {

    /** For tensors the node builds itself (merged runs, warm-up): their size is already bounded. */
    public static final TensorBudget UNLIMITED = new TensorBudget(Long.MAX_VALUE);

    private final long limit;
    private long used;

    public TensorBudget(long limit) {
        this.limit = limit;
    }

    void charge(long bytes) {
        if (limit == Long.MAX_VALUE) {
            return;
        }
        used += bytes;
        if (used > limit) {
            throw ApiException.badRequest("the request's input tensors take more than the limit of " + limit
                    + " bytes decoded (rtml.scoring.max-tensor-bytes)");
        }
    }
}
