package dev.covet.pg;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Property checks without a library: a property is run on its edge cases, then on values drawn
 * from a seeded generator, so a run is repeatable; a failure names the value and the seed.
 * {@code -Dcovetpg.samples.seed=n} draws other values, {@code -Dcovetpg.samples.factor=k} k times as many.
 */
public final class Samples {

    private static final long SEED = Long.getLong("covetpg.samples.seed", 20261201L);
    private static final int FACTOR = Integer.getInteger("covetpg.samples.factor", 1);

    private Samples() {
    }

    /** A generator of values from a source of randomness. */
    @FunctionalInterface
    public interface Gen<T> extends Function<Random, T> {
    }

    /** Checks {@code property} on each edge case, then on {@code tries} values from {@code gen}. */
    @SafeVarargs
    public static <T> void check(int tries, Gen<T> gen, Consumer<T> property, T... edges) {
        List<T> values = new ArrayList<>(List.of(edges));
        Random random = new Random(SEED);
        for (int i = 0; i < tries * FACTOR; i++) {
            values.add(gen.apply(random));
        }
        for (int i = 0; i < values.size(); i++) {
            T value = values.get(i);
            try {
                property.accept(value);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("The property fails for " + describe(value) + " (sample " + i + ", seed " + SEED + "): "
                        + e.getMessage(), e);
            }
        }
    }

    private static String describe(Object value) {
        if (value instanceof Object[] a) {
            return java.util.Arrays.deepToString(a);
        }
        if (value instanceof byte[] b) {
            return java.util.HexFormat.of().formatHex(b);
        }
        return String.valueOf(value);
    }

    // the generators the tests share

    public static long between(Random r, long min, long max) {
        return min + (long) Math.floor(r.nextDouble() * ((double) max - min + 1));
    }

    public static int between(Random r, int min, int max) {
        return min + r.nextInt(max - min + 1);
    }

    /** A long that is often near a type's limits (0, ±1, the int and short limits) and otherwise anywhere. */
    public static long anyLong(Random r) {
        long[] near = {0, 1, -1, Short.MIN_VALUE, Short.MAX_VALUE, Integer.MIN_VALUE, Integer.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE};
        return switch (r.nextInt(4)) {
            case 0 -> near[r.nextInt(near.length)] + r.nextInt(3) - 1;
            case 1 -> r.nextInt();
            case 2 -> r.nextInt(100_000) - 50_000;
            default -> r.nextLong();
        };
    }

    /** A double that is often special (NaN, ±Infinity, ±0, the extremes, denormals) and otherwise anywhere. */
    public static double anyDouble(Random r) {
        double[] special = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.0, -0.0, Double.MAX_VALUE, -Double.MAX_VALUE,
                Double.MIN_VALUE, Double.MIN_NORMAL, 0.1, 1e-300, 1e300};
        return switch (r.nextInt(4)) {
            case 0 -> special[r.nextInt(special.length)];
            case 1 -> Double.longBitsToDouble(r.nextLong());
            case 2 -> r.nextGaussian() * Math.pow(10, r.nextInt(40) - 20);
            default -> (double) r.nextInt(1000) / 8;
        };
    }

    /** One of the given values. */
    @SafeVarargs
    public static <T> T pick(Random r, T... values) {
        return values[r.nextInt(values.length)];
    }

    /** A value from {@code gen} that satisfies {@code wanted}: drawn again until one does. */
    public static <T> T suchThat(Random r, Gen<T> gen, Predicate<? super T> wanted) {
        for (int i = 0; i < 10_000; i++) {
            T value = gen.apply(r);
            if (wanted.test(value)) {
                return value;
            }
        }
        throw new IllegalStateException("the generator hardly ever makes a wanted value");
    }

    /**
     * Any text of {@code min} to {@code max} UTF-16 units, valid UTF-16 (no lone surrogate): ASCII
     * with its control characters and NUL, two- and three-byte characters, and pairs for the
     * characters beyond the BMP, each about as often.
     */
    public static String unicode(Random r, int min, int max) {
        int length = between(r, min, max);
        StringBuilder sb = new StringBuilder(length);
        while (sb.length() < length) {
            int c = switch (r.nextInt(4)) {
                case 0 -> between(r, 0, 0x7F);
                case 1 -> between(r, 0x80, 0x7FF);
                case 2 -> between(r, 0x800, 0xFFFF);
                default -> between(r, 0x10000, Character.MAX_CODE_POINT);
            };
            if ((c < 0x10000 && Character.isSurrogate((char) c)) || Character.charCount(c) > length - sb.length()) {
                continue;
            }
            sb.appendCodePoint(c);
        }
        return sb.toString();
    }

    /** A string of the given pieces, up to {@code max} of them. */
    public static String text(Random r, int max, String... pieces) {
        StringBuilder sb = new StringBuilder();
        for (int i = r.nextInt(max + 1); i > 0; i--) {
            sb.append(pieces[r.nextInt(pieces.length)]);
        }
        return sb.toString();
    }
}
