package io.rtml.registry.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.rtml.problem.RtmlException;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** Runs an inspection that must be refused, and hands back the refusal for assertions on its code and text. */
final class Refused {

    private Refused() {}

    static RtmlException by(ThrowingCallable inspection) {
        Throwable thrown = catchThrowable(inspection);
        assertThat(thrown).isInstanceOf(RtmlException.class);
        return (RtmlException) thrown;
    }
}
