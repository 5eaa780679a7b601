package dev.covet.pg.jmh;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.covet.pg.CovetPgComponent;
import dev.covet.pg.testdb.TestDatabase;
import org.openjdk.jmh.infra.BenchmarkParams;

/** What every benchmark builds the same way: the pools for the same server (TLS off, sizes as given), and the contender's name. */
final class Contenders {

    private Contenders() {
    }

    /** The contender a trial runs: the benchmark method's name ({@code covetpg}, {@code pgjdbc}, ...). */
    static String name(BenchmarkParams params) {
        String method = params.getBenchmark();
        return method.substring(method.lastIndexOf('.') + 1);
    }

    /** A covetpg component on {@code db} with a pool of {@code min}..{@code max} connections. */
    static CovetPgComponent covetpg(TestDatabase db, int min, int max) {
        CovetPgComponent covetpg = new CovetPgComponent();
        covetpg.getConfiguration().setUrl(db.url());
        covetpg.getConfiguration().setPassword(db.password());
        covetpg.getConfiguration().setSslMode("disable");
        covetpg.getConfiguration().setMinPoolSize(min);
        covetpg.getConfiguration().setMaxPoolSize(max);
        // -DcompletionThreads=N (with -jvmArgsAppend) to compare pool sizes; 0, the default, is one per processor
        covetpg.getConfiguration().setCompletionThreads(Integer.getInteger("completionThreads", 0));
        return covetpg;
    }

    /** A HikariCP pool over pgjdbc on {@code db}, for camel-sql. */
    static HikariDataSource hikari(TestDatabase db, int minIdle, int max, boolean autoCommit) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(db.jdbcUrl());
        config.setUsername(db.user());
        config.setPassword(db.password());
        config.addDataSourceProperty("sslmode", "disable");
        config.setMaximumPoolSize(max);
        config.setMinimumIdle(minIdle);
        config.setAutoCommit(autoCommit);
        return new HikariDataSource(config);
    }
}
