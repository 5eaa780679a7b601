package dev.covet.pg;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The documentation as the doc tests read it: the pages (docs/*.md and the README), their code
 * blocks and their headings' anchors. Plain file reading, no database, so fast tests use it too.
 */
final class DocPages {

    static final Path ROOT = Path.of("..");
    static final Path DOCS = ROOT.resolve("docs");

    private static final Pattern BLOCK = Pattern.compile("^```(\\w*)\\n(.*?)^```", Pattern.MULTILINE | Pattern.DOTALL);
    private static final Pattern HEADING = Pattern.compile("^#+ (.+)$", Pattern.MULTILINE);

    /** A fenced code block of a page, named by page and line in failures. */
    record Block(Path page, int line, String language, String code) {
        @Override
        public String toString() {
            return page + ":" + line;
        }
    }

    private DocPages() {
    }

    /** docs/*.md in name order, then the README. */
    static List<Path> pages() throws IOException {
        List<Path> pages = new ArrayList<>();
        try (var files = Files.list(DOCS)) {
            files.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        pages.add(ROOT.resolve("README.md"));
        return pages;
    }

    /** Every code block of every page fenced as {@code language} (```java, ```yaml, ...). */
    static List<Block> blocks(String language) throws IOException {
        List<Block> blocks = new ArrayList<>();
        for (Path page : pages()) {
            String text = Files.readString(page);
            Matcher m = BLOCK.matcher(text);
            while (m.find()) {
                if (m.group(1).equals(language)) {
                    int line = (int) text.substring(0, m.start()).chars().filter(c -> c == '\n').count() + 1;
                    blocks.add(new Block(page, line, language, m.group(2)));
                }
            }
        }
        return blocks;
    }

    /** The anchors GitHub makes of a page's headings: lower case, punctuation dropped, spaces as '-'. */
    static Set<String> anchors(Path page) throws IOException {
        String text = BLOCK.matcher(Files.readString(page)).replaceAll("");   // a # line in a code block is no heading
        Matcher m = HEADING.matcher(text);
        Set<String> anchors = new HashSet<>();
        while (m.find()) {
            anchors.add(m.group(1).strip().toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-'));
        }
        return anchors;
    }

    /**
     * The code without its line comments and white space, so that indentation and line breaks do
     * not count; a comment starts a line or follows white space (the // of a URL does not).
     */
    static String normalized(String code) {
        return code.replaceAll("(?m)(^|\\s)//[^\n]*", "").replaceAll("\\s+", "");
    }
}
