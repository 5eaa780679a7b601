package dev.covet.pg.jmh.charts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Charts on a real JMH result: charts/query-selectValue.json is the JSON of
 * {@code QueryBenchmark\.(covetpg|vertxPgClient)$ -p workload=selectValue -p concurrency=64 -p poolSize=4
 * -wi 1 -w 1s -i 1 -r 2s -f 1 -rf json} (one iteration, so JMH has no error for it).
 */
class ChartsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @BeforeAll
    static void headless() {
        System.setProperty("java.awt.headless", "true");
    }

    @Test
    void onePngPerWorkload() throws Exception {
        List<Path> pngs = Charts.write(List.of(real()), dir.resolve("charts"), List.of("workload"));

        assertEquals(List.of(dir.resolve("charts/QueryBenchmark-selectValue.png")), pngs);
        assertImage(pngs.get(0));
    }

    @Test
    void anotherWorkloadAnotherConcurrencyAndErrorsFromASecondFile() throws Exception {
        // the real result again as workload=selectOne, at two concurrencies, with an error: a second file
        ArrayNode results = (ArrayNode) JSON.readTree(real().toFile());
        ArrayNode more = JSON.createArrayNode();
        for (String concurrency : List.of("16", "64")) {
            for (var result : results) {
                ObjectNode copy = result.deepCopy();
                ((ObjectNode) copy.get("params")).put("workload", "selectOne").put("concurrency", concurrency);
                ((ObjectNode) copy.get("primaryMetric")).put("scoreError", 100.0);
                more.add(copy);
            }
        }
        Path second = dir.resolve("selectOne.json");
        JSON.writeValue(second.toFile(), more);

        List<Path> pngs = Charts.write(List.of(real(), second), dir, List.of("workload"));

        assertEquals(List.of(dir.resolve("QueryBenchmark-selectValue.png"), dir.resolve("QueryBenchmark-selectOne.png")),
                pngs);
        pngs.forEach(ChartsTest::assertImage);
    }

    @Test
    void aSampleTimeResultsPercentilesMakeNoChartsOfTheirOwnButACounterDoes() throws Exception {
        // JMH writes a sample-time result's percentiles again as secondary results named p0.50, p0.99, ...
        ArrayNode results = (ArrayNode) JSON.readTree(real().toFile());
        for (var result : results) {
            ObjectNode sample = (ObjectNode) result;
            sample.put("mode", "sample");
            ObjectNode secondary = sample.putObject("secondaryMetrics");
            for (String name : List.of("p0.00", "p0.50", "p0.99", "p0.9999", "p1.00", "rowsRead")) {
                secondary.set(name, sample.get("primaryMetric").deepCopy());
            }
        }
        Path sampled = dir.resolve("sampled.json");
        JSON.writeValue(sampled.toFile(), results);

        List<Path> pngs = Charts.write(List.of(sampled), dir, List.of("workload"));

        assertEquals(List.of(dir.resolve("QueryBenchmark-selectValue.png"), dir.resolve("QueryBenchmark-selectValue-rowsRead.png")),
                pngs);
    }

    @Test
    void aMissingFieldNamesTheFileTheResultAndTheField() throws Exception {
        ArrayNode results = (ArrayNode) JSON.readTree(real().toFile());
        ((ObjectNode) results.get(1).get("primaryMetric")).remove("scoreUnit");
        Path odd = dir.resolve("odd.json");
        JSON.writeValue(odd.toFile(), results);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Charts.write(List.of(real(), odd), dir, List.of("workload")));

        assertEquals(odd + ": result 2 (dev.covet.pg.jmh.QueryBenchmark.vertxPgClient): primaryMetric: no field 'scoreUnit'",
                e.getMessage());
        assertTrue(Files.notExists(dir.resolve("QueryBenchmark-selectValue.png")), "no chart from half the results");
    }

    @Test
    void aFileThatIsNotJsonIsNamed() throws IOException {
        Path text = Files.writeString(dir.resolve("results.txt"), "Benchmark  Mode  Cnt  Score\n");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Charts.write(List.of(text), dir, List.of("workload")));

        assertTrue(e.getMessage().startsWith(text + ": not JSON: "), e.getMessage());
    }

    private static Path real() throws URISyntaxException {
        return Path.of(ChartsTest.class.getResource("/charts/query-selectValue.json").toURI());
    }

    private static void assertImage(Path png) {
        try {
            BufferedImage image = ImageIO.read(png.toFile());
            assertNotNull(image, png + " does not decode as an image");
            assertEquals(Charts.WIDTH, image.getWidth(), png + " width");
            assertEquals(Charts.HEIGHT, image.getHeight(), png + " height");
        } catch (IOException e) {
            throw new AssertionError(png + " unreadable", e);
        }
    }
}
