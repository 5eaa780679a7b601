package dev.covet.pg.copy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.covet.pg.types.ColumnType;
import dev.covet.pg.types.PgText;
import dev.covet.pg.types.PgTypes;
import dev.covet.pg.types.ValueException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The text and CSV encoders write a BigDecimal's digits straight into their buffer when they can
 * (RowEncoder.putPlainDecimal); what they write must be, byte for byte, the text the general path
 * gives it ({@link PgText#format(Object, int)}), and the checks of typed columns must still apply.
 */
@Tag("fast")
class PlainDecimalEncodingTest {

    private static final ColumnType NUMERIC = new ColumnType("numeric", PgTypes.NUMERIC, "numeric");
    private static final ColumnType TEXT = new ColumnType("text", PgTypes.TEXT, "text");
    private static final ColumnType INTEGER = new ColumnType("integer", PgTypes.INT4, "integer");

    @Test
    void everyDecimalIsWrittenAsTheGeneralPathWritesIt() throws IOException {
        List<BigDecimal> values = new ArrayList<>(List.of(
                new BigDecimal("0"), new BigDecimal("0.00"), new BigDecimal("-0.05"), new BigDecimal("0.05"), new BigDecimal("1.23"),
                new BigDecimal("-1.23"), new BigDecimal("123"), new BigDecimal("1E+3"), new BigDecimal("1E-20"),
                new BigDecimal("0.000000000000000001"), new BigDecimal("-999999999999999999.99"),
                new BigDecimal(BigInteger.valueOf(Long.MAX_VALUE), 2), new BigDecimal(BigInteger.valueOf(Long.MIN_VALUE), 2),
                new BigDecimal(BigInteger.valueOf(Long.MIN_VALUE + 1), 18), new BigDecimal(BigInteger.valueOf(Long.MAX_VALUE), 18),
                new BigDecimal(BigInteger.valueOf(Long.MAX_VALUE).add(BigInteger.ONE), 3), new BigDecimal(BigInteger.ONE, 19),
                new BigDecimal(BigInteger.TEN, -2)));
        Random random = new Random(20261202);
        for (int i = 0; i < 20_000; i++) {
            long unscaled = switch (i % 4) {
                case 0 -> random.nextInt(1000);
                case 1 -> random.nextLong();
                case 2 -> -random.nextInt(1_000_000);
                default -> random.nextLong() >> random.nextInt(64);
            };
            BigInteger big = i % 50 == 0 ? BigInteger.valueOf(unscaled).shiftLeft(8) : BigInteger.valueOf(unscaled);
            values.add(new BigDecimal(big, random.nextInt(26) - 4));
        }
        for (CopyFormat format : new CopyFormat[] {CopyFormat.text, CopyFormat.csv}) {
            for (ColumnType type : new ColumnType[] {NUMERIC, TEXT}) {
                for (BigDecimal d : values) {
                    assertThat(encode(format, List.of(type), d)).as("%s of %s into %s", format, d, type.display())
                            .isEqualTo(PgText.format(d, type.oid()) + "\n");
                }
            }
            // columns not known (a COPY given as sql): by the Java type alone
            for (BigDecimal d : values.subList(0, 200)) {
                assertThat(encode(format, List.of(), d)).isEqualTo(PgText.format(d) + "\n");
            }
        }
    }

    @Test
    void aTypedColumnStillChecksADecimal() throws IOException {
        assertThat(encode(CopyFormat.text, List.of(INTEGER), new BigDecimal("5"))).isEqualTo("5\n");
        assertThatThrownBy(() -> encode(CopyFormat.text, List.of(INTEGER), new BigDecimal("5.5"))).isInstanceOf(ValueException.class);
        assertThatThrownBy(() -> encode(CopyFormat.csv, List.of(INTEGER), new BigDecimal("3000000000"))).isInstanceOf(ValueException.class);
    }

    private static String encode(CopyFormat format, List<ColumnType> types, BigDecimal value) throws IOException {
        List<String> names = types.isEmpty() ? List.of() : List.of("c");
        RowEncoder encoder = RowEncoder.of(format, names, types);
        encoder.row(java.util.Collections.singletonList(value));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        encoder.drainTo(out);
        return out.toString(StandardCharsets.UTF_8);
    }
}
