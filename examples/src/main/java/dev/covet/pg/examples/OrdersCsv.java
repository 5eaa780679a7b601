package dev.covet.pg.examples;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDate;
import java.util.function.LongConsumer;

/**
 * The examples' input: a CSV file of orders in COPY's csv format, without a header line
 * ({@code id,customer_id,day,amount}), made on the first run and reused after.
 *
 * <p>The values are deterministic, so a test can work the expected result out by itself: order
 * {@code g} (from 1) belongs to customer {@code 1 + g % customers}, falls on day
 * {@code (g / 1000) % 30} after 2026-01-01, and is worth {@code (g % 997) * 0.25}.
 */
final class OrdersCsv {

    static final LocalDate FIRST_DAY = LocalDate.of(2026, 1, 1);
    static final int DEFAULT_CUSTOMERS = 1000;

    private OrdersCsv() {
    }

    /** The file for {@code rows} orders of {@code customers} customers in {@code dir}. */
    static Path file(Path dir, int rows, int customers) {
        return dir.resolve("orders-" + rows + "-" + customers + ".csv");
    }

    /**
     * Returns the file for {@code rows} orders in {@code dir}, writing it first when it is not
     * there yet; {@code progress} is told the rows written so far, every 64 Ki rows.
     *
     * @return true in {@link Made#written()} when the file was written by this call
     */
    static Made make(Path dir, int rows, int customers, LongConsumer progress) throws IOException {
        Path file = file(dir, rows, customers);
        if (Files.isRegularFile(file) && Files.size(file) > 0) {
            return new Made(file, false);
        }
        Files.createDirectories(dir);
        // written under another name and moved into place, so a run cut short leaves no half file
        Path part = dir.resolve(file.getFileName() + ".part");
        try (BufferedWriter w = Files.newBufferedWriter(part, StandardCharsets.US_ASCII)) {
            StringBuilder line = new StringBuilder(48);
            for (int g = 1; g <= rows; g++) {
                line.setLength(0);
                long cents = (g % 997) * 25L;
                line.append(g).append(',')
                        .append(1 + g % customers).append(',')
                        .append(FIRST_DAY.plusDays((g / 1000) % 30)).append(',')
                        .append(cents / 100).append('.');
                long c = cents % 100;
                if (c < 10) {
                    line.append('0');
                }
                line.append(c).append('\n');
                w.append(line);
                if ((g & 0xFFFF) == 0) {
                    progress.accept(g);
                }
            }
        }
        Files.move(part, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return new Made(file, true);
    }

    /** The file and whether this run wrote it. */
    record Made(Path file, boolean written) {
    }
}
