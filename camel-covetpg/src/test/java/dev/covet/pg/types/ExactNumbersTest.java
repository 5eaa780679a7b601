package dev.covet.pg.types;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import dev.covet.pg.Samples;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Numbers fit integer and floating-point types by the server's rules, or fail without naming the value. */
@Tag("fast")
class ExactNumbersTest {

    @Test
    void aNumberThatDoesNotFitFailsInsteadOfWrapping() {
        assertThatThrownBy(() -> ExactNumbers.integer(5_000_000_000L, PgTypes.INT4)).isInstanceOf(ValueException.class)
                .hasMessage("a java.lang.Long does not fit integer: out of range (-2147483648..2147483647)");
        assertThatThrownBy(() -> ExactNumbers.integer(70_000, PgTypes.INT2)).hasMessageContaining("does not fit smallint");
        assertThatThrownBy(() -> ExactNumbers.integer(1.5, PgTypes.INT8)).hasMessageContaining("has a fractional part");
        assertThatThrownBy(() -> ExactNumbers.integer(Double.NaN, PgTypes.INT8)).hasMessageContaining("not a finite number");
        assertThatThrownBy(() -> ExactNumbers.integer(true, PgTypes.INT4)).hasMessageContaining("a java.lang.Boolean does not fit integer");
        assertThatThrownBy(() -> ExactNumbers.integer("12a", PgTypes.INT4)).hasMessage("a java.lang.String does not fit integer: not an integer in decimal digits");
        assertThatThrownBy(() -> ExactNumbers.integer(new BigInteger("9223372036854775808"), PgTypes.INT8)).hasMessageContaining("out of range");
    }

    @Test
    void aWholeNumberOfAnyJavaTypeFits() {
        assertThat(ExactNumbers.integer(new BigDecimal("1.000"), PgTypes.INT4)).isEqualTo(1);
        assertThat(ExactNumbers.integer(new BigDecimal("1E+3"), PgTypes.INT4)).isEqualTo(1000);
        assertThat(ExactNumbers.integer(2.0e9, PgTypes.INT8)).isEqualTo(2_000_000_000L);
        assertThat(ExactNumbers.integer(" +42\n", PgTypes.INT2)).isEqualTo(42);
        assertThat(ExactNumbers.integer(new AtomicLong(-7), PgTypes.INT4)).isEqualTo(-7);
        assertThat(ExactNumbers.integer("-9223372036854775808", PgTypes.INT8)).isEqualTo(Long.MIN_VALUE);
    }

    @Test
    void aHugeExponentIsRefusedWithoutBeingExpanded() {
        // would take gigabytes if written out in digits
        assertThatThrownBy(() -> ExactNumbers.integer(new BigDecimal("1E+999999999"), PgTypes.INT8)).hasMessageContaining("out of range");
        assertThatThrownBy(() -> ExactNumbers.float8(new BigDecimal("1E+999999999"))).hasMessageContaining("overflow");
    }

    @Test
    void floatingPointFollowsTheServersInputAndCasts() {
        assertThat(ExactNumbers.float8("NaN")).isNaN();
        assertThat(ExactNumbers.float8("-Infinity")).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(ExactNumbers.float8(0.1f)).isEqualTo((double) 0.1f); // widening is exact
        assertThat(ExactNumbers.float4(0.1)).isEqualTo(0.1f);
        assertThatThrownBy(() -> ExactNumbers.float4(1e300)).hasMessageContaining("overflow");
        assertThatThrownBy(() -> ExactNumbers.float4(1e-300)).hasMessageContaining("underflow");
        assertThatThrownBy(() -> ExactNumbers.float8("1e400")).hasMessageContaining("overflow");
        assertThatThrownBy(() -> ExactNumbers.float8("1e-400")).hasMessageContaining("underflow");
        assertThat(ExactNumbers.float8("0e-400")).isZero();
        assertThatThrownBy(() -> ExactNumbers.float8("0x1p3")).hasMessageContaining("not a decimal number");
        assertThatThrownBy(() -> ExactNumbers.float8("1d")).hasMessageContaining("not a decimal number");
    }

    @Test
    void anIntegerFitsExactlyWhenItIsInRange() {
        Samples.check(1000, Samples::anyLong, ExactNumbersTest::fitsWhenInRange);
    }

    private static void fitsWhenInRange(long value) {
        for (int oid : new int[] {PgTypes.INT2, PgTypes.INT4, PgTypes.INT8}) {
            long min = oid == PgTypes.INT2 ? Short.MIN_VALUE : oid == PgTypes.INT4 ? Integer.MIN_VALUE : Long.MIN_VALUE;
            long max = oid == PgTypes.INT2 ? Short.MAX_VALUE : oid == PgTypes.INT4 ? Integer.MAX_VALUE : Long.MAX_VALUE;
            boolean fits = value >= min && value <= max;
            for (Object form : new Object[] {value, BigInteger.valueOf(value), new BigDecimal(value).setScale(3), Long.toString(value)}) {
                if (fits) {
                    assertThat(ExactNumbers.integer(form, oid)).isEqualTo(value);
                } else {
                    // the message names the type's range, never the value
                    assertThatThrownBy(() -> ExactNumbers.integer(form, oid)).isInstanceOf(ValueException.class)
                            .satisfies(e -> assertThat(e.getMessage().replaceAll("\\(-?\\d+\\.\\.\\d+\\)", ""))
                                    .doesNotContain(Long.toString(value)));
                }
            }
        }
    }

    @Test
    void aDoubleGoesToFloat8AsItIsAndItsTextReadsBackTheSame() {
        Samples.check(1000, Samples::anyDouble, value -> {
            assertThat(ExactNumbers.float8(value)).isEqualTo(value);
            assertThat(ExactNumbers.float8(PgText.format(value))).isEqualTo(value);
        });
    }
}
