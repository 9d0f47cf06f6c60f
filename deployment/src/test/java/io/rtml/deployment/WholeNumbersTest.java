package io.rtml.deployment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A fraction where a whole number belongs is refused by the deployer's own reading, never truncated. */
class WholeNumbersTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void storedPlansAndRolloutsWithAFractionAreRefusedWholeOnesRead() {
        assertThatThrownBy(() -> WavePlan.fromJson("{\"waves\":[{\"percent\":12.5}],\"bakeSeconds\":0,"
                + "\"maxFailedPercent\":0,\"offline\":\"fail\"}")).hasMessageContaining("12.5");
        assertThatThrownBy(() -> WavePlan.fromJson("{\"waves\":[{\"percent\":100}],\"bakeSeconds\":1.5,"
                + "\"maxFailedPercent\":0,\"offline\":\"fail\"}")).hasMessageContaining("1.5");
        assertThat(WavePlan.fromJson("{\"waves\":[{\"percent\":25}],\"bakeSeconds\":0,\"maxFailedPercent\":0,"
                + "\"offline\":\"fail\"}").waves().get(0).percent()).isEqualTo(25);
        assertThatThrownBy(() -> Rollout.fromJson("{\"type\":\"canary\",\"steps\":[10.5,100],\"bakeSeconds\":60}"))
                .hasMessageContaining("10.5");
    }

    @Test
    void nodeFiguresWithAFractionAreRefused() {
        JsonNode histogram = JSON.readTree("{\"count\":3,\"buckets\":[{\"le\":0.1,\"count\":2.5}]}");
        assertThatThrownBy(() -> Histogram.of(histogram)).isInstanceOf(WholeNumbers.NotAWholeNumberException.class)
                .hasMessage("'count' must be a whole number, got 2.5");
        assertThat(Histogram.of(JSON.readTree("{\"count\":3,\"buckets\":[{\"le\":0.1,\"count\":2}]}")).count()).isEqualTo(3);
    }

    @Test
    void wholeNumbersAreReadAbsentOnesTakeTheDefaultAndEverythingElseIsRefused() {
        JsonNode node = JSON.readTree("{\"a\":7,\"b\":7.0,\"c\":\"7\",\"d\":null,\"e\":4294967296,\"f\":1e3}");
        assertThat(WholeNumbers.intOf(node, "a", -1)).isEqualTo(7);
        assertThat(WholeNumbers.intOf(node, "d", -1)).isEqualTo(-1);
        assertThat(WholeNumbers.intOf(node, "missing", -1)).isEqualTo(-1);
        assertThat(WholeNumbers.longOf(node, "e", -1)).isEqualTo(4294967296L);
        for (String field : new String[] {"b", "c", "e", "f"}) {
            assertThatThrownBy(() -> WholeNumbers.intOf(node, field, -1)).as(field)
                    .isInstanceOf(WholeNumbers.NotAWholeNumberException.class).hasMessageContaining("'" + field + "'");
        }
    }
}
