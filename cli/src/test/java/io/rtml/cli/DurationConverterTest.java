package io.rtml.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class DurationConverterTest {

    final DurationConverter converter = new DurationConverter();

    @Test
    void readsSecondsMillisecondsAndMinutes() {
        assertThat(converter.convert("120")).isEqualTo(Duration.ofSeconds(120));
        assertThat(converter.convert("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(converter.convert("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(converter.convert("2m")).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void refusesAnythingElseWithAHint() {
        assertThatThrownBy(() -> converter.convert("soon")).isInstanceOf(TypeConversionException.class)
                .hasMessage("'soon' is not a duration: use e.g. 120s, 500ms or 2m");
    }
}
