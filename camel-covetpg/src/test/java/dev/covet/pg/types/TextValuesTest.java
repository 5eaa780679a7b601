package dev.covet.pg.types;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalTime;
import dev.covet.pg.Samples;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The server's text read back as Java values, without a server. */
@Tag("fast")
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

    @Test
    void anArrayWrittenAsTextReadsBackTheSame() {
        Samples.check(500, TextValuesTest::nested, rows -> {
            String written = PgText.format(rows);
            String[][] expected = rows.stream().map(r -> r.toArray(String[]::new)).toArray(String[][]::new);
            assertThat(Arrays.deepEquals((Object[]) TextValues.decode(1009, written), expected)).as(written).isTrue();
        });
    }

    /** One to four rows of one to four elements, each NULL, "NULL", empty, or made of the characters arrays quote. */
    private static List<List<String>> nested(Random r) {
        int width = Samples.between(r, 1, 4);
        List<List<String>> rows = new ArrayList<>();
        for (int i = Samples.between(r, 1, 4); i > 0; i--) {
            List<String> row = new ArrayList<>();
            for (int k = 0; k < width; k++) {
                row.add(switch (r.nextInt(5)) {
                    case 0 -> null;
                    case 1 -> "NULL";
                    case 2 -> "";
                    default -> Samples.text(r, 6, "a", "b", ",", "{", "}", "\"", "\\", " ", "\t", "N", "U", "L", "é", "😀");
                });
            }
            rows.add(row);
        }
        return rows;
    }
}
