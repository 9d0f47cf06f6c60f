package io.rtml.bench;

/** A precondition of a benchmark failed (an upload was not 201, a page was wrong): the run is void. */
final class BenchmarkFailure extends RuntimeException {

    BenchmarkFailure(String message) {
        super(message);
    }

    BenchmarkFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
