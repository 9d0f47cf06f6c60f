package io.rtml.deployment;

import java.util.Arrays;
import tools.jackson.databind.JsonNode;

/**
 * A cumulative histogram as a node reports it (Prometheus style): {@code counts[i]} observations
 * at most {@code bounds[i]}, and {@code count} in all (the +Inf bucket). Cumulative since the
 * version was loaded, so a window is the difference of two.
 */
public record Histogram(double[] bounds, long[] counts, long count) {

    public static final Histogram EMPTY = new Histogram(new double[0], new long[0], 0);

    /** From the node's {@code {"count": n, "buckets": [{"le": x, "count": c}, ...]}}. */
    public static Histogram of(JsonNode json) {
        JsonNode buckets = json.path("buckets");
        double[] bounds = new double[buckets.size()];
        long[] counts = new long[buckets.size()];
        for (int i = 0; i < buckets.size(); i++) {
            bounds[i] = buckets.get(i).path("le").asDouble();
            counts[i] = WholeNumbers.longOf(buckets.get(i), "count", 0);
        }
        return new Histogram(bounds, counts, WholeNumbers.longOf(json, "count", 0));
    }

    /** What was observed since {@code earlier}; a histogram with other bounds counts as empty. */
    public Histogram minus(Histogram earlier) {
        if (earlier.count == 0 && earlier.counts.length == 0) {
            return this;
        }
        if (!Arrays.equals(bounds, earlier.bounds)) {
            return this;
        }
        long[] diff = new long[counts.length];
        for (int i = 0; i < counts.length; i++) {
            diff[i] = counts[i] - earlier.counts[i];
        }
        return new Histogram(bounds, diff, count - earlier.count);
    }

    /** The sum of two windows (two targets); an empty one adds nothing. */
    public Histogram plus(Histogram other) {
        if (other.count == 0 && other.counts.length == 0) {
            return this;
        }
        if (count == 0 && counts.length == 0) {
            return other;
        }
        if (!Arrays.equals(bounds, other.bounds)) {
            throw new IllegalArgumentException("histograms with different buckets cannot be added");
        }
        long[] sum = new long[counts.length];
        for (int i = 0; i < counts.length; i++) {
            sum[i] = counts[i] + other.counts[i];
        }
        return new Histogram(bounds, sum, count + other.count);
    }

    /**
     * The {@code q} quantile, interpolated linearly inside the bucket it falls in (as Prometheus'
     * histogram_quantile does, the lowest bucket starting at 0); beyond the highest finite bound the
     * answer is that bound. Null for an empty window.
     */
    public Double quantile(double q) {
        if (count <= 0) {
            return null;
        }
        double rank = q * count;
        long below = 0;
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] >= rank) {
                double lower = i == 0 ? 0 : bounds[i - 1];
                long inBucket = counts[i] - below;
                return inBucket <= 0 ? bounds[i] : lower + (bounds[i] - lower) * (rank - below) / inBucket;
            }
            below = counts[i];
        }
        return bounds.length == 0 ? null : bounds[bounds.length - 1];
    }

    /** Observations per bucket, the last one being everything above the highest bound. */
    long[] perBucket() {
        long[] per = new long[counts.length + 1];
        long below = 0;
        for (int i = 0; i < counts.length; i++) {
            per[i] = counts[i] - below;
            below = counts[i];
        }
        per[counts.length] = count - below;
        return per;
    }

    /**
     * Population stability index of {@code this} (the candidate) against {@code expected} (the stable
     * version) over the same buckets: Σ (a − e) · ln(a / e) over the buckets' shares, an empty bucket
     * counted as a share of {@value #EMPTY_SHARE} so that the logarithm stays finite. Null when either
     * window is empty or the buckets differ.
     */
    public Double psi(Histogram expected) {
        if (count <= 0 || expected.count <= 0 || !Arrays.equals(bounds, expected.bounds)) {
            return null;
        }
        long[] actual = perBucket();
        long[] base = expected.perBucket();
        double psi = 0;
        for (int i = 0; i < actual.length; i++) {
            double a = Math.max((double) actual[i] / count, EMPTY_SHARE);
            double e = Math.max((double) base[i] / expected.count, EMPTY_SHARE);
            psi += (a - e) * Math.log(a / e);
        }
        return psi;
    }

    public static final double EMPTY_SHARE = 1e-4;

    @Override
    public boolean equals(Object o) {
        return o instanceof Histogram h && count == h.count && Arrays.equals(bounds, h.bounds)
                && Arrays.equals(counts, h.counts);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(count) * 31 + Arrays.hashCode(counts);
    }

    @Override
    public String toString() {
        return "Histogram[bounds=" + Arrays.toString(bounds) + ", counts=" + Arrays.toString(counts) + ", count="
                + count + "]";
    }
}
