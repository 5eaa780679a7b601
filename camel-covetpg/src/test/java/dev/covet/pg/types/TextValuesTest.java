package dev.covet.pg.types;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** The server's text read back as Java values, without a server. */
class TextValuesTest {

    @Test
    void numericKeepsItsScaleAndItsSpecialValues() {
        assertThat(TextValues.decode(PgTypes.NUMERIC, "1.50")).isEqualTo(new BigDecimal("1.50"));
        assertThat(TextValues.decode(PgTypes.NUMERIC, "NaN")).isEqualTo(Double.NaN);
        assertThat(TextValues.decode(PgTypes.NUMERIC, "-Infinity")).isEqualTo(Double.NEGATIVE_INFINITY);
    }

    @Test
    void arraysBecomeJavaArraysOfTheElementsType() {
        assertThat((Integer[]) TextValues.decode(1007, "{1,NULL,3}")).containsExactly(1, null, 3);
        assertThat((Integer[][]) TextValues.decode(1007, "{{1,2},{3,4}}")).isDeepEqualTo(new Integer[][] {{1, 2}, {3, 4}});
        assertThat((String[]) TextValues.decode(1009, "{\"a,b\",\"\",\"NULL\",NULL,\"\\\"q\\\"\",\" sp \"}"))
                .containsExactly("a,b", "", "NULL", null, "\"q\"", " sp ");
        assertThat((Object[]) TextValues.decode(1231, "{1.50,NaN}")).containsExactly(new BigDecimal("1.50"), Double.NaN);
        assertThat((LocalDate[]) TextValues.decode(1182, "{infinity,\"0001-01-01 BC\"}")).containsExactly(LocalDate.MAX, LocalDate.of(0, 1, 1));
        assertThat((LocalTime[]) TextValues.decode(1183, "{24:00:00}")).containsExactly(LocalTime.MAX);
        assertThat((byte[][]) TextValues.decode(1001, "{\"\\\\x00ff\"}")).isDeepEqualTo(new byte[][] {{0, -1}});
        assertThat((Integer[]) TextValues.decode(1007, "{}")).isEmpty();
    }

    @Test
    void whatAJavaArrayWouldChangeStaysText() {
        // lower bounds other than 1 have no place in a Java array
        assertThat(TextValues.decode(1007, "[0:1]={1,2}")).isEqualTo("[0:1]={1,2}");
        // box[] separates its elements with ';'
        assertThat(TextValues.decode(1020, "{(1,1),(0,0);(2,2),(1,1)}")).isEqualTo("{(1,1),(0,0);(2,2),(1,1)}");
        // an array of a type made in the database has an OID covetpg cannot know
        assertThat(TextValues.decode(16_500, "{happy,sad}")).isEqualTo("{happy,sad}");
    }

    @Property(tries = 500)
    void anArrayWrittenAsTextReadsBackTheSame(@ForAll("nested") List<List<String>> rows) {
        Object written = PgText.format(rows);
        Object read = TextValues.decode(1009, (String) written);
        String[][] expected = rows.stream().map(r -> r.toArray(String[]::new)).toArray(String[][]::new);
        if (rows.get(0).isEmpty()) {
            return; // {{}} is an empty array to the server, and no Java shape says otherwise
        }
        assertThat(Arrays.deepEquals((Object[]) read, expected)).as(written.toString()).isTrue();
    }

    @Provide
    static Arbitrary<List<List<String>>> nested() {
        Arbitrary<String> element = Arbitraries.oneOf(Arbitraries.strings().withChars("ab,{}\"\\ \tNUL").ofMaxLength(6),
                Arbitraries.just("NULL"), Arbitraries.just(""), Arbitraries.just((String) null));
        return Arbitraries.integers().between(1, 4).flatMap(width -> element.list().ofSize(width).list().ofMinSize(1).ofMaxSize(4));
    }
}
