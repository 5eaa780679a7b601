package dev.covet.pg;

import dev.covet.pg.client.ClientSettings;
import dev.covet.pg.client.PgClient;
import dev.covet.pg.client.PoolStatistics;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.camel.Endpoint;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.ThreadPoolProfile;
import org.apache.camel.spi.annotations.Component;
import org.apache.camel.support.DefaultComponent;
import org.apache.camel.util.concurrent.ThreadPoolRejectedPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The covetpg component: one PostgreSQL connection pool, shared by the component's endpoints. A
 * second database is a second component instance under another name.
 */
@Component("covetpg")
public class CovetPgComponent extends DefaultComponent {

    private static final Logger LOG = LoggerFactory.getLogger(CovetPgComponent.class);

    @Metadata(description = "The connection and pool options, shared by every endpoint of this component.")
    private CovetPgConfiguration configuration = new CovetPgConfiguration();

    @Metadata(label = "advanced", autowired = true,
              description = "The Vert.x instance to run the client on. Taken from the registry when there is exactly one; otherwise the component creates its own and closes it on stop.")
    private Vertx vertx;

    private boolean ownsVertx;
    private PgClient client;
    private ExecutorService completionExecutor;

    public CovetPgComponent() {
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        CovetPgOperation operation = parseOperation(remaining);
        CovetPgEndpoint endpoint = new CovetPgEndpoint(uri, this, operation);
        setProperties(endpoint, parameters);
        return endpoint;
    }

    private static CovetPgOperation parseOperation(String remaining) {
        try {
            return CovetPgOperation.valueOf(remaining);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Unknown covetpg operation '" + remaining + "': allowed operations are "
                    + java.util.Arrays.toString(CovetPgOperation.values()));
        }
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        ClientSettings settings = configuration.toClientSettings();
        if (vertx == null) {
            // share the application's event loops when it has a Vert.x (autowiring misses one bound late)
            vertx = getCamelContext().getRegistry().findSingleByType(Vertx.class);
        }
        if (vertx == null) {
            vertx = Vertx.vertx();
            ownsVertx = true;
        }
        client = new PgClient(vertx, settings, "covetpg-" + Integer.toHexString(System.identityHashCode(this)));
        LOG.info("Starting covetpg pool to {} as {} (sslMode={}, pool {}..{})", settings.target(), settings.user(),
                settings.sslMode(), settings.minPoolSize(), settings.maxPoolSize());
        // Route steps after a covetpg step run here, never on the Vert.x event loop that completed the I/O.
        ThreadPoolProfile profile = new ThreadPoolProfile("covetpg");
        int threads = Math.max(4, Runtime.getRuntime().availableProcessors() * 2);
        profile.setPoolSize(threads);
        profile.setMaxPoolSize(threads);
        profile.setMaxQueueSize(-1);
        profile.setKeepAliveTime(60L);
        profile.setTimeUnit(TimeUnit.SECONDS);
        profile.setAllowCoreThreadTimeOut(true);
        profile.setRejectedPolicy(ThreadPoolRejectedPolicy.Abort);
        completionExecutor = getCamelContext().getExecutorServiceManager().newThreadPool(this, "CovetPgCompletion", profile);
        try {
            client.start().toCompletionStage().toCompletableFuture().get();
        } catch (java.util.concurrent.ExecutionException e) {
            closeClient();
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    @Override
    protected void doStop() throws Exception {
        closeClient();
        if (completionExecutor != null) {
            getCamelContext().getExecutorServiceManager().shutdown(completionExecutor);
            completionExecutor = null;
        }
        super.doStop();
    }

    private void closeClient() throws Exception {
        if (client != null) {
            client.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            client = null;
        }
        if (ownsVertx && vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            vertx = null;
            ownsVertx = false;
        }
    }

    /** The pooled client; available while the component is started. */
    public PgClient client() {
        if (client == null) {
            throw new IllegalStateException("The covetpg component is not started");
        }
        return client;
    }

    /** The component's threads for work that must not run on an event loop (route continuations, transactions). */
    public ExecutorService executor() {
        return completionExecutor;
    }

    /** What the connection pool does now: size, in use, idle, waiting, max and totals since start. */
    public PoolStatistics getPoolStatistics() {
        PgClient c = client;
        return c == null ? new PoolStatistics(0, 0, 0, 0, configuration.getMaxPoolSize(), 0, 0) : c.statistics();
    }

    public CovetPgConfiguration getConfiguration() {
        return configuration;
    }

    /** The connection and pool options, shared by every endpoint of this component. */
    public void setConfiguration(CovetPgConfiguration configuration) {
        this.configuration = configuration;
    }

    public Vertx getVertx() {
        return vertx;
    }

    /** The Vert.x instance to run on; when none is given the component owns one. */
    public void setVertx(Vertx vertx) {
        this.vertx = vertx;
    }
}
