package dev.covet.pg;

import static dev.covet.pg.DocPages.anchors;
import static dev.covet.pg.DocPages.blocks;
import static dev.covet.pg.DocPages.normalized;
import static dev.covet.pg.DocPages.pages;
import static org.assertj.core.api.Assertions.assertThat;

import dev.covet.pg.DocPages.Block;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Route;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.direct.DirectComponent;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.apache.camel.util.StringHelper;
import org.apache.camel.util.json.JsonObject;
import org.apache.camel.util.json.Jsoner;
import org.junit.jupiter.api.Test;

/**
 * Every code sample of the docs and the README is checked here: Java samples are compiled (they
 * stand in {@link DocSamples}) and their routes started, YAML routes are loaded and started,
 * the keys of properties samples are component options, and every link between the pages
 * reaches a file and a heading that exist. The routes start on the test database in a schema of
 * their own, with the components they name other than covetpg stood in for, and are stopped
 * at once: starting checks every endpoint's options, and the tables the samples name need not
 * exist (a consumer's poll that comes before the stop only logs its error). The SQL samples run
 * in {@link DocSqlSamplesTest}.
 */
class DocCodeBlocksTest extends CovetPgTestSupport {

    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
    /** Components the samples name that are not on the test classpath. */
    private static final List<String> STOOD_IN = List.of("kafka", "http", "file", "rest");

    @Test
    void everyJavaSampleIsCompiledHere() throws IOException {
        String compiled = normalized(Files.readString(source("DocSamples.java")) + Files.readString(source("DocSamplesTest.java")));
        List<Block> java = blocks("java");
        assertThat(java).as("the docs have Java samples").hasSizeGreaterThanOrEqualTo(12);
        for (Block block : java) {
            assertThat(compiled.contains(normalized(block.code()))).as(block + ": this sample is in DocSamples.java as the page shows it").isTrue();
        }
    }

    @Test
    void theJavaSamplesRoutesStart() throws Exception {
        for (RouteBuilder sample : DocSamples.routes()) {
            CamelContext context = sampleContext();
            context.addRoutes(sample);
            startAll(context, sample.getClass().getSimpleName());
        }
    }

    @Test
    void theSecondComponentSampleConfiguresAComponentOfItsOwn() throws Exception {
        CamelContext context = newContext(c -> { }, new DocSamples.SecondComponent());
        assertThat(context.getComponent("covetpg2", CovetPgComponent.class).getConfiguration().getUrl())
                .isEqualTo("postgresql://reader@warehouse:5432/reporting");
    }

    @Test
    void theYamlRoutesLoadAndStart() throws Exception {
        List<Block> routes = blocks("yaml").stream()
                .filter(b -> b.code().startsWith("- route:") || b.code().startsWith("- beans:"))
                .collect(Collectors.toList());
        assertThat(routes).as("the docs have YAML routes").hasSizeGreaterThanOrEqualTo(8);
        for (Block block : routes) {
            CamelContext context = sampleContext();
            PluginHelper.getRoutesLoader(context).loadRoutes(ResourceHelper.fromString("sample.camel.yaml", block.code()));
            startAll(context, block.toString());
        }
    }

    @Test
    void everyPropertyOfAPropertiesSampleIsAComponentOption() throws Exception {
        JsonObject metadata;
        try (InputStream in = getClass().getResourceAsStream("/META-INF/dev/covet/pg/covetpg.json")) {
            metadata = (JsonObject) Jsoner.deserialize(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        Set<String> options = metadata.getMap("componentProperties").keySet().stream().map(String::valueOf).collect(Collectors.toSet());
        List<Block> properties = blocks("properties");
        assertThat(properties).as("the docs have properties samples").hasSizeGreaterThanOrEqualTo(4);
        for (Block block : properties) {
            for (String line : block.code().split("\n")) {
                String entry = line.strip();
                if (entry.isEmpty() || entry.startsWith("#")) {
                    continue;
                }
                String key = entry.split("\\s*=", 2)[0];
                assertThat(key).as(block + ": " + entry).startsWith("camel.component.covetpg.");
                String option = StringHelper.dashToCamelCase(key.substring("camel.component.covetpg.".length()).replaceAll("\\[.*", ""));
                assertThat(options).as(block + ": " + key + " is an option of the component").contains(option);
            }
        }
    }

    @Test
    void everyLinkBetweenThePagesReachesAFileAndAHeading() throws IOException {
        for (Path page : pages()) {
            String text = Files.readString(page);
            Matcher link = LINK.matcher(text);
            while (link.find()) {
                String target = link.group(1);
                if (target.matches("^[a-z]+:.*")) {
                    continue;   // http(s), mailto: outside the repository
                }
                int hash = target.indexOf('#');
                Path file = hash == 0 ? page : page.getParent().resolve(hash < 0 ? target : target.substring(0, hash));
                String where = page + ": link " + target;
                assertThat(Files.exists(file)).as(where + " reaches a file").isTrue();
                if (hash >= 0) {
                    assertThat(anchors(file)).as(where + " reaches a heading").contains(target.substring(hash + 1));
                }
            }
        }
    }

    /** A context for samples: the test database in a schema of its own, the samples' beans, stand-ins for other components. */
    private CamelContext sampleContext() throws Exception {
        String schema = table("samples");
        db.execute("CREATE SCHEMA " + schema);
        CamelContext context = newContext(c -> c.getServerSettings().put("search_path", schema));
        for (String name : STOOD_IN) {
            context.addComponent(name, new StandIn());
        }
        context.getRegistry().bind("covetpgTx", DocSamples.transactionPolicy());
        context.getRegistry().bind("joinLines", (AggregationStrategy) (old, line) -> line);
        return context;
    }

    /** Starts the context and so every route, each endpoint's options checked; fails naming the sample. */
    private static void startAll(CamelContext context, String sample) {
        try {
            context.start();
        } catch (RuntimeException e) {
            throw new AssertionError(sample + " does not start: " + messages(e), e);
        }
        assertThat(context.getRoutes()).as(sample + " has routes").isNotEmpty();
        for (Route route : context.getRoutes()) {
            assertThat(context.getRouteController().getRouteStatus(route.getRouteId()).isStarted())
                    .as(sample + ": route from " + route.getEndpoint().getEndpointUri() + " started").isTrue();
        }
        context.stop();
    }

    /** Any endpoint with any options, consumer and producer both: stands in for a component not on the test classpath. */
    private static final class StandIn extends DirectComponent {
        @Override
        protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
            parameters.clear();
            return super.createEndpoint(uri, remaining, parameters);
        }
    }

    private static Path source(String name) {
        return Path.of("src", "test", "java", "dev", "covet", "pg", name);
    }
}
