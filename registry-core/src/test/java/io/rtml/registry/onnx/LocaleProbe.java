package io.rtml.registry.onnx;

import io.rtml.onnx.InspectionLimits;
import io.rtml.problem.RtmlException;
import java.nio.file.Path;

/**
 * Inspects one model in a fresh JVM and prints the outcome, for the test that needs an environment
 * (LOCPATH) different from the test JVM's: glibc reads it when ONNX Runtime constructs the locale.
 */
final class LocaleProbe {

    private LocaleProbe() {}

    public static void main(String[] args) {
        try {
            new OnnxInspector(InspectionLimits.defaults()).inspect(Path.of(args[0]));
            System.out.println("ACCEPTED");
        } catch (RtmlException e) {
            System.out.println(e.code());
            System.out.println(e.getMessage());
        }
    }
}
