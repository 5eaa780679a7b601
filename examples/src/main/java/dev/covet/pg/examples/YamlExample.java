package dev.covet.pg.examples;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;

/**
 * Runs the YAML route {@code etl.camel.yaml} with Camel Main, configured by
 * {@code application.properties}: the covetpg component takes its connection from
 * {@code camel.component.covetpg.url}, which reads {@code COVETPG_URL} (and
 * {@code COVETPG_PASSWORD}) from the environment. Without {@code COVETPG_URL} an embedded
 * PostgreSQL is started for the run and the url is pointed at it. The orders file the route loads
 * by COPY is written first, on the first run ({@code etl.rows} orders under {@code etl.output}),
 * and its name given to the route as {@code etl.input-file}. The route runs once, on a timer;
 * Main stops when nothing has been in flight for a second.
 */
public final class YamlExample {

    private YamlExample() {
    }

    public static void main(String[] args) throws Exception {
        try (ExampleDatabase database = ExampleDatabase.fromEnvironment()) {
            System.out.println("covetpg YAML example: database " + database.description());
            String output = System.getProperty(EtlExample.OUTPUT_PROPERTY);
            Main main = newMain(database, output == null ? Map.of() : Map.of("etl.output", output));
            AtomicReference<String> outputDir = new AtomicReference<>(".");
            main.addMainListener(new MainListenerSupport() {
                @Override
                public void afterStart(BaseMainSupport started) {
                    outputDir.set(started.getCamelContext().resolvePropertyPlaceholders("{{etl.output}}"));
                }
            });
            main.run(args);
            Path csv = Path.of(outputDir.get(), "customers.csv");
            if (Files.exists(csv)) {
                try (Stream<String> lines = Files.lines(csv)) {
                    System.out.println("wrote " + (lines.count() - 1) + " customer rows to " + csv.toAbsolutePath());
                }
            } else {
                System.out.println("no CSV was written to " + csv.toAbsolutePath() + ": see the log above");
            }
        }
    }

    /**
     * A Camel Main for the YAML example. The properties in {@code overrides} win over
     * {@code application.properties}; so does the connection of a database started here.
     */
    static Main newMain(ExampleDatabase database, Map<String, String> overrides) throws IOException {
        // the input file the route loads: made here (on the first run) from the sizes in
        // application.properties, or in the overrides
        Properties settings = new Properties();
        try (InputStream in = YamlExample.class.getResourceAsStream("/application.properties")) {
            settings.load(in);
        }
        settings.putAll(overrides);
        OrdersCsv.Made input = OrdersCsv.make(Path.of(settings.getProperty("etl.output").trim()),
                Integer.parseInt(settings.getProperty("etl.rows").trim()),
                Integer.parseInt(settings.getProperty("etl.customers").trim()), rows -> { });
        Main main = new Main();
        main.addOverrideProperty("etl.input-file", input.file().getFileName().toString());
        if (!database.external()) {
            main.addOverrideProperty("camel.component.covetpg.url", database.url());
            if (database.password() != null && !database.password().isEmpty()) {
                main.addOverrideProperty("camel.component.covetpg.password", database.password());
            }
        }
        overrides.forEach(main::addOverrideProperty);
        return main;
    }
}
