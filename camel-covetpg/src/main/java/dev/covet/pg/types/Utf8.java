package dev.covet.pg.types;

/**
 * Text must be valid UTF-16 to travel: a lone surrogate has no UTF-8 form, and Java's encoder
 * would write {@code ?} in its place, changing the value without a word.
 */
public final class Utf8 {

    private Utf8() {
    }

    /** {@code text} itself; a ValueException when it holds a lone surrogate. */
    public static String checked(String text) {
        if (text == null) {
            return null;
        }
        for (int i = 0, n = text.length(); i < n; i++) {
            char c = text.charAt(i);
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                    continue;
                }
                throw new ValueException("A text holds a lone UTF-16 surrogate (at character " + i + "), which has no UTF-8 form");
            }
        }
        return text;
    }
}
