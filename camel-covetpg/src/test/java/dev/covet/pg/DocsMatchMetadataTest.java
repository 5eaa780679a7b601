package dev.covet.pg;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.camel.util.json.JsonObject;
import org.apache.camel.util.json.Jsoner;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** docs/configuration.md lists every option and header of the generated metadata (covetpg.json, the beans'), with its default. */
@Tag("fast")
class DocsMatchMetadataTest {

    private static final Pattern ROW = Pattern.compile("^\\| `([A-Za-z]+)` \\|([^|]*)\\|", Pattern.MULTILINE);

    @Test
    void everyOptionIsDocumentedWithItsDefault() throws Exception {
        JsonObject metadata;
        try (InputStream in = getClass().getResourceAsStream("/META-INF/dev/covet/pg/covetpg.json")) {
            metadata = (JsonObject) Jsoner.deserialize(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        String docs = Files.readString(Path.of("..", "docs", "configuration.md"));
        String componentSection = section(docs, "## Component options", "## Time limits");
        String endpointSection = section(docs, "## `covetpg:query`", "## Idempotent repository");

        checkTable(metadata.getMap("componentProperties"), rows(componentSection), "component options");
        checkTable(metadata.getMap("properties"), rows(endpointSection), "covetpg:query options");
        for (Object header : metadata.getMap("headers").keySet()) {
            assertThat(endpointSection).as("header " + header + " in the headers table").contains("| `" + header + "` |");
        }
    }

    @Test
    void everyOptionOfTheIdempotentRepositoryIsDocumentedWithItsDefault() throws Exception {
        JsonObject metadata;
        try (InputStream in = getClass().getResourceAsStream("/META-INF/services/org/apache/camel/bean/CovetPgIdempotentRepository.json")) {
            assertThat(in).as("the generated bean metadata").isNotNull();
            metadata = (JsonObject) Jsoner.deserialize(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        String docs = Files.readString(Path.of("..", "docs", "configuration.md"));
        checkTable(((JsonObject) metadata.get("bean")).getMap("properties"), rows(section(docs, "## Idempotent repository", "## Aggregation repository")),
                "idempotent repository");
    }

    @Test
    void everyOptionOfTheAggregationRepositoryIsDocumentedWithItsDefault() throws Exception {
        JsonObject metadata;
        try (InputStream in = getClass().getResourceAsStream("/META-INF/services/org/apache/camel/bean/CovetPgAggregationRepository.json")) {
            assertThat(in).as("the generated bean metadata").isNotNull();
            metadata = (JsonObject) Jsoner.deserialize(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        String docs = Files.readString(Path.of("..", "docs", "configuration.md"));
        checkTable(((JsonObject) metadata.get("bean")).getMap("properties"), rows(section(docs, "## Aggregation repository", "## Identifiers")),
                "aggregation repository");
    }

    private static void checkTable(Map<String, Object> options, Map<String, String> documented, String table) {
        for (Map.Entry<String, Object> option : options.entrySet()) {
            @SuppressWarnings("unchecked")
            Map<String, Object> spec = (Map<String, Object>) option.getValue();
            assertThat(documented).as(option.getKey() + " in the " + table + " table of docs/configuration.md").containsKey(option.getKey());
            Object expected = spec.get("defaultValue");
            assertThat(documented.get(option.getKey())).as("documented default of " + option.getKey())
                    .isEqualTo(expected == null ? "" : expected.toString());
        }
        assertThat(options.keySet()).as("options documented in the " + table + " table that do not exist").containsAll(documented.keySet());
    }

    private static Map<String, String> rows(String section) {
        Map<String, String> rows = new LinkedHashMap<>();
        Matcher m = ROW.matcher(section);
        while (m.find()) {
            if (m.group(1).startsWith("Camel")) {
                continue; // a header, checked on its own
            }
            rows.put(m.group(1), m.group(2).trim());
        }
        return rows;
    }

    private static String section(String docs, String start, String end) {
        int from = docs.indexOf(start);
        int to = docs.indexOf(end, from);
        assertThat(from).as("section " + start).isNotNegative();
        return docs.substring(from, to < 0 ? docs.length() : to);
    }
}
