package dev.covet.pg.types;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.covet.pg.Samples;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Java values in the text the server's input functions read, without a server. */
@Tag("fast")
class PgTextTest {

    @Test
    void numbersAreWrittenInPlainDigitsWithTheirScale() {
        assertThat(PgText.format(new BigDecimal("1.50"))).isEqualTo("1.50");
        assertThat(PgText.format(new BigDecimal("1E+3"))).isEqualTo("1000");
        assertThat(PgText.format(new BigDecimal("1E+999999999"))).isEqualTo("1E+999999999"); // not a billion zeros
        assertThat(PgText.format(1.0)).isEqualTo("1");
        assertThat(PgText.format(1e-5)).isEqualTo("0.00001");
        assertThat(PgText.format(0.1f)).isEqualTo("0.10000000149011612"); // the double it widens to; real reads it as 0.1f
        assertThat(PgText.format(-0.0)).isEqualTo("-0");
        assertThat(PgText.format(Double.NaN)).isEqualTo("NaN");
        assertThat(PgText.format(Double.NEGATIVE_INFINITY)).isEqualTo("-Infinity");
    }

    @Test
    void aValueForAColumnIsWrittenForThatColumnsType() {
        assertThat(PgText.format(new BigDecimal("7.00"), PgTypes.INT4)).isEqualTo("7");
        assertThat(PgText.format(0.1f, PgTypes.FLOAT8)).isEqualTo(Double.toString((double) 0.1f));
        assertThat(PgText.format(List.of(1, "a"), PgTypes.JSONB)).isEqualTo("[1,\"a\"]");
        assertThat(PgText.format(List.of(1, "a"), 0)).isEqualTo("{\"1\",\"a\"}");
        assertThat(PgText.format("{\"raw\": true}", PgTypes.JSON)).isEqualTo("{\"raw\": true}");
        assertThatThrownBy(() -> PgText.format(70_000, PgTypes.INT2)).isInstanceOf(ValueException.class);
    }

    @Test
    void arraysNestAndQuoteEveryElement() {
        assertThat(PgText.format(Arrays.asList("a,b", null, "NULL", "q\"\\"))).isEqualTo("{\"a,b\",NULL,\"NULL\",\"q\\\"\\\\\"}");
        assertThat(PgText.format(new int[][] {{1, 2}, {3, 4}})).isEqualTo("{{\"1\",\"2\"},{\"3\",\"4\"}}");
        assertThat(PgText.format(List.of(new byte[] {0, -1}))).isEqualTo("{\"\\\\x00ff\"}");
        assertThat(PgText.format(Map.of("k", List.of(1)))).isEqualTo("{\"k\":[1]}");
    }

    @Test
    void byteaTextReadsInBothForms() {
        assertThat(PgText.bytea("\\x00 ff10")).containsExactly(0, 0xff, 0x10);
        assertThat(PgText.bytea("a\\\\b\\001é")).containsExactly('a', '\\', 'b', 1, 0xc3, 0xa9);
        assertThatThrownBy(() -> PgText.bytea("\\x0")).isInstanceOf(ValueException.class);
        assertThatThrownBy(() -> PgText.bytea("\\q")).isInstanceOf(ValueException.class);
    }

    @Test
    void aDoublesTextIsTheShortestThatReadsBackTheSame() {
        Samples.check(1000, Samples::anyDouble, value -> {
            String text = PgText.format(value);
            assertThat(Double.parseDouble(text)).isEqualTo(value);
            assertThat(text).doesNotContain("E").doesNotEndWith(".0");
        });
    }

    @Test
    void byteaWrittenAsTextReadsBackTheSameBytes() {
        Samples.check(500, r -> {
            byte[] b = new byte[r.nextInt(40)];
            r.nextBytes(b);
            return b;
        }, bytes -> assertThat(PgText.bytea(PgText.format(bytes))).containsExactly(bytes), new byte[0]);
    }
}
