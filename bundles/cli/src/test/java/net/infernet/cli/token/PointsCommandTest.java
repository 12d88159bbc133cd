package net.infernet.cli.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.infernet.cli.Cli;
import net.infernet.store.PointsStore;
import net.infernet.store.Store;
import net.infernet.store.Stores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PointsCommandTest {
    private static final String OP = "ab".repeat(32);
    private static final Instant NOW = Instant.parse("2026-12-09T10:00:00Z");
    @TempDir
    Path dataDir;
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    int run(String... args) throws Exception {
        out.reset();
        err.reset();
        Cli cli = new Cli(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of(), dataDir, dataDir.resolve("config"));
        return new PointsCommand(Clock.fixed(NOW, ZoneOffset.UTC)).run(List.of(args), cli);
    }

    @Test
    void anAwardNeedsPointsAndAReasonAndShowsInTheOperatorsEpoch() throws Exception {
        assertEquals(Cli.USAGE, run("award", OP, "50"), "no reason");
        assertEquals(Cli.USAGE, run("award", OP, "-5", "--reason", "x"));
        assertEquals(Cli.USAGE, run("award", OP, "lots", "--reason", "x"));
        assertEquals(Cli.USAGE, run("award", "not-an-operator", "5", "--reason", "x"));
        assertTrue(err.toString().startsWith("usage:"), err.toString());
        assertEquals(Cli.OK, run("award", OP, "50", "--reason", "wrote the setup guide"));
        long epoch = PointsStore.epochOf(NOW);
        try (Store store = Stores.open(Stores.h2Url(dataDir), Optional.empty(), Optional.empty(), 1)) {
            assertEquals(Map.of(PointsStore.AWARD, 50L), store.points(OP, epoch));
            store.addPoints(List.of(new PointsStore.PointsEntry("cd".repeat(32), epoch, PointsStore.COMPUTE, 150,
                    Optional.empty(), NOW)));
        }
        assertEquals(Cli.OK, run("show", OP));
        String shown = out.toString();
        assertTrue(shown.contains("epoch " + epoch + " (from 2026-12-07T00:00:00Z)"), shown);
        assertTrue(shown.contains("award    50"), shown);
        assertTrue(shown.contains("total    50 of 200 (25.00%)"), shown);
        assertEquals(Cli.OK, run("show", OP, "--epoch", String.valueOf(epoch - 1)));
        assertTrue(out.toString().contains("total    0 of 0"), out.toString());
    }
}
