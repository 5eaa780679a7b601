package dev.covet.pg.copy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import java.util.Collections;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tag;

/**
 * Properties of the COPY row encoders: what they write reads back, through decoders written here
 * from PostgreSQL's documentation of the COPY formats (not from the encoders), as the rows that
 * went in; and a value that cannot be stored exactly is refused instead of written changed.
 */
@Tag("fast")
class RowEncodersPropertiesTest {

    private static final ColumnType TEXT = new ColumnType("text", PgTypes.TEXT, "text");

    @Property
    void textFormatReadsBackAsTheRowsWritten(@ForAll("rows") List<List<String>> rows) {
        assertThat(decodeText(encode(CopyFormat.text, rows, TEXT))).isEqualTo(rows);
        // the same when the columns' types are not known (a COPY given as sql)
        assertThat(decodeText(encodeUntyped(CopyFormat.text, rows))).isEqualTo(rows);
    }

    @Property
    void csvFormatReadsBackAsTheRowsWritten(@ForAll("rows") List<List<String>> rows) {
        assertThat(decodeCsv(encode(CopyFormat.csv, rows, TEXT))).isEqualTo(rows);
        assertThat(decodeCsv(encodeUntyped(CopyFormat.csv, rows))).isEqualTo(rows);
    }

    @Property
    void binaryFormatReadsBackAsTheRowsWritten(@ForAll("rows") List<List<String>> rows) {
        List<List<String>> back = new ArrayList<>();
        for (List<byte[]> fields : decodeBinary(encode(CopyFormat.binary, rows, TEXT))) {
            back.add(fields.stream().map(f -> f == null ? null : utf8(f)).toList());
        }
        assertThat(back).isEqualTo(rows);
    }

    @Property
    void aWholeNumberIsWrittenExactlyOrRefusedForItsColumnsType(@ForAll("wholeNumbers") Number value, @ForAll("integerTypes") ColumnType type) {
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
    }

    @Property
    void aNumericIsWrittenInBinaryAsExactlyItsValueAndScale(@ForAll("decimals") BigDecimal value) {
        ColumnType numeric = new ColumnType("numeric", PgTypes.NUMERIC, "numeric");
        byte[] field = decodeBinary(encodeValues(CopyFormat.binary, List.of(List.of(value)), numeric)).get(0).get(0);
        BigDecimal back = decodeNumeric(field);
        assertThat(back).isEqualByComparingTo(value);
        assertThat(back.scale()).isEqualTo(Math.max(0, value.scale()));
    }

    @Property
    void textWithALoneSurrogateIsRefusedInEveryFormat(@ForAll("rows") List<List<String>> rows, @ForAll("loneSurrogates") char lone) {
        List<Object> bad = Collections.singletonList("before" + lone + "after");
        for (CopyFormat format : CopyFormat.values()) {
            RowEncoder encoder = RowEncoder.of(format, List.of("t"), List.of(TEXT));
            encoder.header();
            for (List<String> r : rows) {
                if (r.size() == 1) {
                    encoder.row(new ArrayList<>(r));
                }
            }
            assertThatThrownBy(() -> encoder.row(bad)).as("%s", format).isInstanceOf(ValueException.class)
                    .hasMessageContaining("surrogate");
        }
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

    /** Rows of 1 to 4 columns, every row as wide, of text that is hard to escape; NULLs among them. */
    @Provide
    Arbitrary<List<List<String>>> rows() {
        Arbitrary<String> hard = Arbitraries.of("\t", "\n", "\r", "\r\n", "\\", "\\N", "\\.", "N", ".", ",", "\"", "\"\"", " ", "", "a",
                "é", "日本", "\uD83D\uDE80", "\u0000", "\u007f", "\\x41", "\\101").list().ofMaxSize(8).map(l -> String.join("", l));
        Arbitrary<String> any = Arbitraries.strings().all().ofMaxLength(20).filter(RowEncodersPropertiesTest::isValidUtf16);
        Arbitrary<String> cell = Arbitraries.oneOf(hard, any, Arbitraries.of("\\.", "\\N", "", "\"")).injectNull(0.15);
        return Arbitraries.integers().between(1, 4).flatMap(columns -> cell.list().ofSize(columns).list().ofMaxSize(12));
    }

    @Provide
    Arbitrary<Number> wholeNumbers() {
        Arbitrary<Long> longs = Arbitraries.longs().edgeCases(c -> c.add((long) Short.MIN_VALUE - 1, (long) Short.MAX_VALUE + 1,
                (long) Integer.MIN_VALUE - 1, (long) Integer.MAX_VALUE + 1, (long) Short.MIN_VALUE, (long) Short.MAX_VALUE,
                (long) Integer.MIN_VALUE, (long) Integer.MAX_VALUE));
        return Arbitraries.oneOf(longs.map(l -> (Number) l), Arbitraries.integers().map(i -> (Number) i), Arbitraries.shorts().map(s -> (Number) s),
                Arbitraries.bigIntegers().between(BigInteger.TWO.pow(70).negate(), BigInteger.TWO.pow(70)).map(b -> (Number) b));
    }

    @Provide
    Arbitrary<ColumnType> integerTypes() {
        return Arbitraries.of(new ColumnType("smallint", PgTypes.INT2, "smallint"), new ColumnType("integer", PgTypes.INT4, "integer"),
                new ColumnType("bigint", PgTypes.INT8, "bigint"));
    }

    @Provide
    Arbitrary<BigDecimal> decimals() {
        return net.jqwik.api.Combinators.combine(Arbitraries.bigIntegers().between(BigInteger.TEN.pow(40).negate(), BigInteger.TEN.pow(40)),
                Arbitraries.integers().between(-20, 40)).as(BigDecimal::new);
    }

    @Provide
    Arbitrary<Character> loneSurrogates() {
        return Arbitraries.chars().range(Character.MIN_SURROGATE, Character.MAX_SURROGATE);
    }

    private static boolean isValidUtf16(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }
}
