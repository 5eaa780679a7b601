package dev.covet.pg;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.Test;

/** The component's pool statistics and settings as JMX attributes, through Camel's management (camel-management). */
class ManagementTest extends CovetPgTestSupport {

    private static final MBeanServer JMX = ManagementFactory.getPlatformMBeanServer();

    @Test
    void poolStatisticsAndSettingsAreManagedAttributesWithThePasswordMasked() throws Exception {
        String password = db.password().isEmpty() ? "not-used-by-trust-auth" : db.password();
        CamelContext context = startContext(c -> {
            c.setUrl(db.url().replace("postgresql://", "postgresql://" + db.user() + ":" + password + "@"));
            c.setMaxPoolSize(3);
            c.setMinPoolSize(2);
            c.setSlowQueryThreshold(250);
        });
        ObjectName name = componentMBean(context);

        assertThat(JMX.getAttribute(name, "PoolSize")).isEqualTo(2);
        assertThat(JMX.getAttribute(name, "PoolIdle")).isEqualTo(2);
        assertThat(JMX.getAttribute(name, "PoolInUse")).isEqualTo(0);
        assertThat(JMX.getAttribute(name, "MaxPoolSize")).isEqualTo(3);
        assertThat(JMX.getAttribute(name, "MinPoolSize")).isEqualTo(2);
        assertThat(JMX.getAttribute(name, "SlowQueryThreshold")).isEqualTo(250L);
        assertThat(JMX.getAttribute(name, "Target")).isEqualTo(db.host() + ":" + db.port() + "/" + db.database());
        assertThat(JMX.getAttribute(name, "User")).isEqualTo(db.user());
        assertThat(JMX.getAttribute(name, "Password")).isEqualTo("xxxxxx");
        assertThat((String) JMX.getAttribute(name, "Url")).contains(db.host()).doesNotContain(password);

        // while an operation holds a connection, JMX sees it
        CompletableFuture<Exchange> holder = CompletableFuture.supplyAsync(() -> send(context, "covetpg:query?sql=SELECT pg_sleep(0.5)", null));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while ((Integer) JMX.getAttribute(name, "PoolInUse") != 1) {
            assertThat(System.nanoTime()).as("PoolInUse reaches 1").isLessThan(deadline);
            Thread.sleep(10);
        }
        assertThat(holder.get(30, TimeUnit.SECONDS).getException()).isNull();
        assertThat((Long) JMX.getAttribute(name, "PoolTotalAcquired")).isGreaterThanOrEqualTo(3L);
        assertThat(JMX.getAttribute(name, "PoolTotalTimeouts")).isEqualTo(0L);
        assertThat(JMX.getAttribute(name, "Listeners")).isEqualTo("");
    }

    @Test
    void listenersAreAManagedAttribute() throws Exception {
        String channel = table("jmx");
        CamelContext context = startContext(c -> { }, new org.apache.camel.builder.RouteBuilder() {
            @Override
            public void configure() {
                from("covetpg:listen?channel=" + channel).to("mock:heard");
            }
        });
        assertThat(JMX.getAttribute(componentMBean(context), "Listeners")).isEqualTo(channel + ": listening, 0 pending, 0 reconnects");
    }

    private static ObjectName componentMBean(CamelContext context) throws Exception {
        Set<ObjectName> names = JMX.queryNames(new ObjectName("org.apache.camel:type=components,name=\"covetpg\",*"), null);
        return names.stream().filter(n -> n.getKeyProperty("context").equals(context.getManagementName())).findFirst()
                .orElseThrow(() -> new AssertionError("no covetpg component MBean for context " + context.getManagementName() + " among " + names));
    }
}
