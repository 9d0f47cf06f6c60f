package io.rtml.scoring.runtime;

import java.util.List;
import java.util.function.DoubleConsumer;

/**
 * Picks the output whose distribution stands for the model's behaviour: a classifier's
 * probabilities (ZipMap, or the first float output), else the first numeric output. A classifier's
 * label comes first in its outputs but is a poor signal of a shift, hence the order of preference.
 */
final class PrimaryOutput {

    private PrimaryOutput() {}

    static void each(List<OutputValue> values, DoubleConsumer sink) {
        OutputValue pick = null;
        for (OutputValue v : values) {
            if (v.isZipMap()) {
                v.eachPrimary(sink);
                return;
            }
            if (pick == null && v.isFloating() && v.isNumeric()) {
                pick = v;
            }
        }
        if (pick == null) {
            for (OutputValue v : values) {
                if (v.isNumeric()) {
                    pick = v;
                    break;
                }
            }
        }
        if (pick != null) {
            pick.eachPrimary(sink);
        }
    }
}
