package dev.covet.pg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.covet.pg.testdb.TestDatabase;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

/** Micrometer is an optional dependency: covetpg starts and runs statements in a JVM that does not have it. */
class WithoutMicrometerTest {

    @Test
    void runsWithoutMicrometerOnTheClasspath() throws Exception {
        TestDatabase db = TestDatabase.shared();
        String printed = ChildJvm.runWithout("micrometer", Child.class, db.url(), db.password());
        assertThat(printed).contains("micrometer absent").contains("answer 42");
    }

    /** Runs in the child JVM: a Camel context with covetpg, one statement. */
    public static final class Child {
        public static void main(String[] args) throws Exception {
            try {
                Class.forName("io.micrometer.core.instrument.MeterRegistry");
                System.out.println("micrometer present");
                System.exit(3);
            } catch (ClassNotFoundException expected) {
                System.out.println("micrometer absent");
            }
            CovetPgComponent component = new CovetPgComponent();
            component.getConfiguration().setUrl(args[0]);
            component.getConfiguration().setPassword(args.length > 1 ? args[1] : null);
            CamelContext context = new DefaultCamelContext();
            context.addComponent("covetpg", component);
            context.start();
            Object answer = context.createProducerTemplate().requestBody("covetpg:query?sql=SELECT 42&outputType=SelectValue", (Object) null);
            System.out.println("answer " + answer);
            context.stop();
        }
    }
}
