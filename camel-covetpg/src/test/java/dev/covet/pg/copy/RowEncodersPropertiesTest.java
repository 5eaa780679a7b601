package dev.covet.pg.copy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.covet.pg.Samples;
import dev.covet.pg.types.ColumnType;
import dev.covet.pg.types.PgTypes;
import dev.covet.pg.types.ValueException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Properties of the COPY row encoders: what they write reads back, through decoders written here
 * from PostgreSQL's documentation of the COPY formats (not from the encoders), as the rows that
 * went in; and a value that cannot be stored exactly is refused instead of written changed.
 */
@Tag("fast")
class RowEncodersPropertiesTest {

    private static final int TRIES = 200;

    private static final ColumnType TEXT = new ColumnType("text", PgTypes.TEXT, "text");

    /** No rows, one empty or NULL cell, the cells the formats mark specially, a row of them all, a wide one and two narrow ones. */
    @SuppressWarnings("unchecked")
    private static final List<List<String>>[] ROW_EDGES = new List[] {List.of(), List.of(Arrays.asList((String) null)), List.of(List.of("")),
        List.of(List.of("\\.")), List.of(List.of("\\N")), List.of(List.of("\"")), List.of(Arrays.asList(null, "", "\\.", "\\N")),
        List.of(List.of("\t\n\r\\", "\r\n,\"\"", "\u0000\u007f", "\\x41\\101")), List.of(List.of("."), List.of("N"))};

    @Test
    void textFormatReadsBackAsTheRowsWritten() {
        Samples.check(TRIES, RowEncodersPropertiesTest::rows, rows -> {
            assertThat(decodeText(encode(CopyFormat.text, rows, TEXT))).isEqualTo(rows);
            // the same when the columns' types are not known (a COPY given as sql)
            assertThat(decodeText(encodeUntyped(CopyFormat.text, rows))).isEqualTo(rows);
        }, ROW_EDGES);
    }

    @Test
    void csvFormatReadsBackAsTheRowsWritten() {
        Samples.check(TRIES, RowEncodersPropertiesTest::rows, rows -> {
            assertThat(decodeCsv(encode(CopyFormat.csv, rows, TEXT))).isEqualTo(rows);
            assertThat(decodeCsv(encodeUntyped(CopyFormat.csv, rows))).isEqualTo(rows);
        }, ROW_EDGES);
    }

    @Test
    void binaryFormatReadsBackAsTheRowsWritten() {
        Samples.check(TRIES, RowEncodersPropertiesTest::rows, rows -> {
            List<List<String>> back = new ArrayList<>();
            for (List<byte[]> fields : decodeBinary(encode(CopyFormat.binary, rows, TEXT))) {
                back.add(fields.stream().map(f -> f == null ? null : utf8(f)).toList());
            }
            assertThat(back).isEqualTo(rows);
        }, ROW_EDGES);
    }

    /** A whole number and an integer column type. */
    record Whole(Number value, ColumnType type) {
    }

    @Test
    void aWholeNumberIsWrittenExactlyOrRefusedForItsColumnsType() {
        List<Whole> edges = new ArrayList<>();
        for (ColumnType type : INTEGER_TYPES) {
            for (Number n : WHOLE_EDGES) {
                edges.add(new Whole(n, type));
            }
        }
        Samples.check(TRIES, r -> new Whole(wholeNumber(r), Samples.pick(r, INTEGER_TYPES)), w -> {
            Number value = w.value();
            ColumnType type = w.type();
            long v = value.longValue();
            long min = type.oid() == PgTypes.INT2 ? Short.MIN_VALUE : type.oid() == PgTypes.INT4 ? Integer.MIN_VALUE : Long.MIN_VALUE;
            long max = type.oid() == PgTypes.INT2 ? Short.MAX_VALUE : type.oid() == PgTypes.INT4 ? Integer.MAX_VALUE : Long.MAX_VALUE;
            boolean fits = !(value instanceof BigInteger b && b.bitLength() > 63) && v >= min && v <= max;
            List<List<Object>> row = List.of(Collections.singletonList(value));
            if (fits) {
                assertThat(decodeText(encodeValues(CopyFormat.text, row, type))).containsExactly(List.of(Long.toString(v)));
                assertThat(decodeCsv(encodeValues(CopyFormat.csv, row, type))).containsExactly(List.of(Long.toString(v)));
                byte[] field = decodeBinary(encodeValues(CopyFormat.binary, row, type)).get(0).get(0);
                assertThat(field).hasSize(type.oid() == PgTypes.INT2 ? 2 : type.oid() == PgTypes.INT4 ? 4 : 8);
                assertThat(new BigInteger(field).longValueExact()).isEqualTo(v);
            } else {
                for (CopyFormat format : CopyFormat.values()) {
                    assertThatThrownBy(() -> encodeValues(format, row, type)).as("%s", format).isInstanceOf(ValueException.class);
                }
            }
        }, edges.toArray(Whole[]::new));
    }

    @Test
    void aNumericIsWrittenInBinaryAsExactlyItsValueAndScale() {
        ColumnType numeric = new ColumnType("numeric", PgTypes.NUMERIC, "numeric");
        BigInteger most = BigInteger.TEN.pow(40);
        Samples.check(TRIES, RowEncodersPropertiesTest::decimal, value -> {
            byte[] field = decodeBinary(encodeValues(CopyFormat.binary, List.of(List.of(value)), numeric)).get(0).get(0);
            BigDecimal back = decodeNumeric(field);
            assertThat(back).isEqualByComparingTo(value);
            assertThat(back.scale()).isEqualTo(Math.max(0, value.scale()));
        }, new BigDecimal(BigInteger.ZERO, 0), new BigDecimal(BigInteger.ZERO, -20), new BigDecimal(BigInteger.ZERO, 40), new BigDecimal(most, 40),
                new BigDecimal(most.negate(), -20), new BigDecimal(most, 0), new BigDecimal(BigInteger.ONE, 40), new BigDecimal(BigInteger.valueOf(9999), 4),
                new BigDecimal(BigInteger.valueOf(10_000), 0), new BigDecimal(BigInteger.valueOf(-1), -1));
    }

    /** Rows, and a character that is half of a surrogate pair. */
    record WithLone(List<List<String>> rows, char lone) {
    }

    @Test
    void textWithALoneSurrogateIsRefusedInEveryFormat() {
        Samples.check(TRIES, r -> new WithLone(rows(r), (char) Samples.between(r, Character.MIN_SURROGATE, Character.MAX_SURROGATE)), w -> {
            List<Object> bad = Collections.singletonList("before" + w.lone() + "after");
            for (CopyFormat format : CopyFormat.values()) {
                RowEncoder encoder = RowEncoder.of(format, List.of("t"), List.of(TEXT));
                encoder.header();
                for (List<String> r : w.rows()) {
                    if (r.size() == 1) {
                        encoder.row(new ArrayList<>(r));
                    }
                }
                assertThatThrownBy(() -> encoder.row(bad)).as("%s", format).isInstanceOf(ValueException.class)
                        .hasMessageContaining("surrogate");
            }
        }, new WithLone(List.of(), Character.MIN_HIGH_SURROGATE), new WithLone(List.of(List.of("a")), Character.MAX_HIGH_SURROGATE),
                new WithLone(List.of(), Character.MIN_LOW_SURROGATE), new WithLone(List.of(List.of("\\.")), Character.MAX_LOW_SURROGATE));
    }

    // encoding

    private static byte[] encode(CopyFormat format, List<List<String>> rows, ColumnType type) {
        List<List<Object>> values = rows.stream().map(r -> (List<Object>) new ArrayList<Object>(r)).toList();
        return encodeValues(format, values, type);
    }

    private static byte[] encodeValues(CopyFormat format, List<List<Object>> rows, ColumnType type) {
        int columns = rows.isEmpty() ? 1 : rows.get(0).size();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < columns; i++) {
            names.add("c" + i);
        }
        return drain(RowEncoder.of(format, names, Collections.nCopies(columns, type)), rows);
    }

    private static byte[] encodeUntyped(CopyFormat format, List<List<String>> rows) {
        return drain(RowEncoder.of(format, List.of(), List.of()), rows.stream().map(r -> (List<Object>) new ArrayList<Object>(r)).toList());
    }

    private static byte[] drain(RowEncoder encoder, List<List<Object>> rows) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            encoder.header();
            for (List<Object> row : rows) {
                encoder.row(row);
                if (encoder.buffered() >= RowEncoder.DRAIN_AT) {
                    encoder.drainTo(out);
                }
            }
            encoder.trailer();
            encoder.drainTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    // decoders, from "COPY: File Formats" in PostgreSQL's documentation

    /**
     * Text format: a row per line, columns split by tab, {@code \N} (as written, before any
     * escape is read) is NULL; backslash sequences \b \f \n \r \t \v, octal \d \dd \ddd, hex \xh
     * \xhh, and a backslash before any other character stands for that character; {@code \.} on a
     * line of its own ends the data.
     */
    static List<List<String>> decodeText(byte[] data) {
        List<List<String>> rows = new ArrayList<>();
        int i = 0;
        while (i < data.length) {
            int end = i;
            while (end < data.length && data[end] != '\n') {
                end++;
            }
            assertThat(end).as("every row ends with a newline").isLessThan(data.length);
            if (end - i == 2 && data[i] == '\\' && data[i + 1] == '.') {
                break; // end-of-data marker
            }
            List<String> row = new ArrayList<>();
            int fieldStart = i;
            for (int j = i; j <= end; j++) {
                if (j == end || data[j] == '\t') {
                    row.add(textField(data, fieldStart, j));
                    fieldStart = j + 1;
                }
            }
            rows.add(row);
            i = end + 1;
        }
        return rows;
    }

    private static String textField(byte[] data, int from, int to) {
        if (to - from == 2 && data[from] == '\\' && data[from + 1] == 'N') {
            return null;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = from; i < to; i++) {
            byte b = data[i];
            assertThat(b).as("a raw carriage return in text format").isNotEqualTo((byte) '\r');
            if (b != '\\') {
                out.write(b);
                continue;
            }
            assertThat(i + 1).as("a backslash ends a field").isLessThan(to);
            byte c = data[++i];
            switch (c) {
                case 'b' -> out.write(8);
                case 'f' -> out.write(12);
                case 'n' -> out.write('\n');
                case 'r' -> out.write('\r');
                case 't' -> out.write('\t');
                case 'v' -> out.write(11);
                case 'x' -> {
                    int v = 0;
                    int n = 0;
                    while (n < 2 && i + 1 < to && Character.digit(data[i + 1], 16) >= 0) {
                        v = v * 16 + Character.digit(data[++i], 16);
                        n++;
                    }
                    out.write(n == 0 ? 'x' : v);
                }
                default -> {
                    if (c >= '0' && c <= '7') {
                        int v = c - '0';
                        for (int n = 1; n < 3 && i + 1 < to && data[i + 1] >= '0' && data[i + 1] <= '7'; n++) {
                            v = v * 8 + (data[++i] - '0');
                        }
                        out.write(v);
                    } else {
                        out.write(c);
                    }
                }
            }
        }
        return utf8(out.toByteArray());
    }

    /**
     * CSV format with the defaults: comma between columns, double quote as quote and as escape (a
     * doubled quote inside quotes is one), newlines inside quotes are data, an unquoted empty value
     * is NULL and a quoted one is the empty string; {@code \.} alone on a line ends the data.
     */
    static List<List<String>> decodeCsv(byte[] data) {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        ByteArrayOutputStream field = new ByteArrayOutputStream();
        boolean quoted = false;
        boolean sawQuote = false;
        int lineStart = 0;
        for (int i = 0; i < data.length; i++) {
            byte b = data[i];
            if (quoted) {
                if (b == '"' && i + 1 < data.length && data[i + 1] == '"') {
                    field.write('"');
                    i++;
                } else if (b == '"') {
                    quoted = false;
                } else {
                    field.write(b);
                }
            } else if (b == '"') {
                quoted = true;
                sawQuote = true;
            } else if (b == ',' || b == '\n') {
                if (b == '\n' && row.isEmpty() && !sawQuote && i - lineStart == 2 && data[lineStart] == '\\' && data[lineStart + 1] == '.') {
                    return rows; // end-of-data marker
                }
                row.add(field.size() == 0 && !sawQuote ? null : utf8(field.toByteArray()));
                field.reset();
                sawQuote = false;
                if (b == '\n') {
                    rows.add(row);
                    row = new ArrayList<>();
                    lineStart = i + 1;
                }
            } else {
                assertThat(b).as("a raw carriage return outside quotes").isNotEqualTo((byte) '\r');
                field.write(b);
            }
        }
        assertThat(quoted).as("an unterminated quote").isFalse();
        assertThat(row).as("every row ends with a newline").isEmpty();
        assertThat(field.size()).isZero();
        return rows;
    }

    /** Binary format: signature, flags, header extension; per row a 16-bit field count, each field a 32-bit length (-1 NULL) and its bytes; -1 ends. */
    static List<List<byte[]>> decodeBinary(byte[] data) {
        ByteBuffer in = ByteBuffer.wrap(data);
        byte[] signature = new byte[11];
        in.get(signature);
        assertThat(signature).isEqualTo(new byte[] {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0});
        assertThat(in.getInt()).as("flags").isZero();
        int extension = in.getInt();
        in.position(in.position() + extension);
        List<List<byte[]>> rows = new ArrayList<>();
        for (short count = in.getShort(); count != -1; count = in.getShort()) {
            List<byte[]> row = new ArrayList<>();
            for (int f = 0; f < count; f++) {
                int length = in.getInt();
                byte[] field = null;
                if (length >= 0) {
                    field = new byte[length];
                    in.get(field);
                }
                row.add(field);
            }
            rows.add(row);
        }
        assertThat(in.remaining()).as("nothing after the trailer").isZero();
        return rows;
    }

    /** numeric's send form (numeric.c, numeric_send): ndigits, weight, sign, dscale, then base-10000 digits. */
    private static BigDecimal decodeNumeric(byte[] field) {
        ByteBuffer in = ByteBuffer.wrap(field);
        int ndigits = in.getShort();
        int weight = in.getShort();
        int sign = in.getShort() & 0xFFFF;
        int dscale = in.getShort();
        assertThat(sign).isIn(0, 0x4000);
        BigDecimal value = BigDecimal.ZERO;
        for (int d = 0; d < ndigits; d++) {
            int digit = in.getShort();
            assertThat(digit).isBetween(0, 9999);
            value = value.add(BigDecimal.valueOf(digit).scaleByPowerOfTen(4 * (weight - d)));
        }
        assertThat(in.remaining()).isZero();
        value = value.setScale(dscale);
        return sign == 0x4000 ? value.negate() : value;
    }

    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new AssertionError("not UTF-8: " + java.util.HexFormat.of().formatHex(bytes), e);
        }
    }

    // generators

    private static final String[] HARD = {"\t", "\n", "\r", "\r\n", "\\", "\\N", "\\.", "N", ".", ",", "\"", "\"\"", " ", "", "a",
        "é", "日本", "\uD83D\uDE80", "\u0000", "\u007f", "\\x41", "\\101"};

    /** Text that is hard to escape, any text, or one of the cells the formats mark specially; NULL one time in seven or so. */
    static String cell(Random r) {
        if (r.nextInt(100) < 15) {
            return null;
        }
        return switch (r.nextInt(3)) {
            case 0 -> Samples.text(r, 8, HARD);
            case 1 -> Samples.unicode(r, 0, 20);
            default -> Samples.pick(r, "\\.", "\\N", "", "\"");
        };
    }

    /** Rows of 1 to 4 columns, every row as wide, of text that is hard to escape; NULLs among them. */
    static List<List<String>> rows(Random r) {
        int columns = Samples.between(r, 1, 4);
        List<List<String>> rows = new ArrayList<>();
        for (int i = r.nextInt(13); i > 0; i--) {
            List<String> row = new ArrayList<>();
            for (int c = 0; c < columns; c++) {
                row.add(cell(r));
            }
            rows.add(row);
        }
        return rows;
    }

    private static final Number[] WHOLE_EDGES = {(long) Short.MIN_VALUE - 1, (long) Short.MAX_VALUE + 1, (long) Integer.MIN_VALUE - 1,
        (long) Integer.MAX_VALUE + 1, (long) Short.MIN_VALUE, (long) Short.MAX_VALUE, (long) Integer.MIN_VALUE, (long) Integer.MAX_VALUE,
        Long.MIN_VALUE, Long.MAX_VALUE, 0L, Integer.MIN_VALUE, Integer.MAX_VALUE, Short.MIN_VALUE, Short.MAX_VALUE, (short) 0,
        BigInteger.TWO.pow(63), BigInteger.TWO.pow(63).negate().subtract(BigInteger.ONE), BigInteger.TWO.pow(63).negate(),
        BigInteger.TWO.pow(70), BigInteger.TWO.pow(70).negate(), BigInteger.ZERO};

    /** A Long, Integer, Short or a BigInteger of up to 70 bits. */
    static Number wholeNumber(Random r) {
        return switch (r.nextInt(4)) {
            case 0 -> Samples.anyLong(r);
            case 1 -> r.nextBoolean() ? r.nextInt() : (int) Samples.between(r, Short.MIN_VALUE - 2L, Short.MAX_VALUE + 2L);
            case 2 -> (short) r.nextInt();
            default -> {
                BigInteger b = new BigInteger(Samples.between(r, 1, 70), r);
                yield r.nextBoolean() ? b.negate() : b;
            }
        };
    }

    private static final ColumnType[] INTEGER_TYPES = {new ColumnType("smallint", PgTypes.INT2, "smallint"),
        new ColumnType("integer", PgTypes.INT4, "integer"), new ColumnType("bigint", PgTypes.INT8, "bigint")};

    /** Up to 40 digits, either sign, at a scale of -20 to 40. */
    static BigDecimal decimal(Random r) {
        BigInteger unscaled = Samples.suchThat(r, g -> new BigInteger(Samples.between(g, 1, 133), g), u -> u.compareTo(BigInteger.TEN.pow(40)) <= 0);
        return new BigDecimal(r.nextBoolean() ? unscaled.negate() : unscaled, Samples.between(r, -20, 40));
    }
}
