package dev.covet.pg;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a main class of the test classpath in a JVM of its own, so that a heap limit is real. */
final class ChildJvm {

    private ChildJvm() {
    }

    /** Runs it with {@code -Xmx<heap>}, fails the test unless it exits 0, and returns what it printed. */
    static String run(String heap, Class<?> main, String... args) throws Exception {
        return run(heap, System.getProperty("java.class.path"), main, args);
    }

    /** As {@link #run(String, Class, String...)}, without the classpath entries whose path contains {@code leftOut}. */
    static String runWithout(String leftOut, Class<?> main, String... args) throws Exception {
        String classpath = java.util.Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .filter(entry -> !entry.contains(leftOut)).collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
        return run("256m", classpath, main, args);
    }

    private static String run(String heap, String classpath, Class<?> main, String... args) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-Xmx" + heap, "-XX:+ExitOnOutOfMemoryError", "-cp",
                classpath, main.getName()));
        command.addAll(List.of(args));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        // read while it runs, so that a chatty child cannot block on a full pipe
        byte[] output = child.getInputStream().readAllBytes();
        assertThat(child.waitFor(15, TimeUnit.MINUTES)).as("the child JVM finished").isTrue();
        String printed = new String(output, StandardCharsets.UTF_8);
        assertThat(child.exitValue()).as("exit code of the child JVM (-Xmx" + heap + "); it printed:\n" + printed).isZero();
        return printed;
    }
}
