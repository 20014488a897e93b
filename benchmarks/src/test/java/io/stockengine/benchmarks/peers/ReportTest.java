package io.stockengine.benchmarks.peers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportTest
{
    private static ResultRow row(final String system, final String settings, final String mix, final int connections,
        final int depth, final double throughput, final double p99)
    {
        final boolean engine = system.startsWith("engine");
        return new ResultRow(system, settings, mix, connections, depth, 20, throughput, p99 / 2, p99,
            (long)(throughput * 20), 100, engine ? 0 : -1, engine ? 0 : -1, 0, "ok", engine ? Long.valueOf(42) : null);
    }

    private static final List<ResultRow> ROWS = List.of(
        row("engine-binary", "sync", "flash", 8, 1, 600_000, 1.0),
        row("engine-binary", "process", "flash", 8, 16, 700_000, 1.5),
        row("engine-http", "process", "flash", 8, 1, 100_000, 3.0),
        row("postgres", "synchronous_commit=on", "flash", 8, 1, 11_000, 2.05),
        row("postgres", "synchronous_commit=off", "flash", 8, 1, 28_000, 0.56),
        row("redis", "appendfsync=everysec", "flash", 8, 1, 55_000, 0.30),
        row("redis", "appendfsync=everysec", "flash", 8, 16, 104_000, 2.70),
        row("postgres", "synchronous_commit=on", "uniform", 8, 1, 13_000, 1.07),
        row("postgres", "synchronous_commit=on", "flash", 32, 1, 9_000, 18.3));

    @Test
    void shouldPairOnlyLikeWithLike()
    {
        final List<String> pairs = Report.pairs(ROWS).stream()
            .map(p -> Report.shortName(p.engine()) + " / " + Report.shortName(p.peer())).toList();
        assertEquals(List.of(
            "engine (binary) sync P1 / PostgreSQL synchronous_commit=on P1",
            "engine (binary) process P16 / PostgreSQL synchronous_commit=off P1",
            "engine (binary) process P16 / Redis AOF everysec P16",
            "engine (HTTP) process P1 / PostgreSQL synchronous_commit=off P1",
            "engine (HTTP) process P1 / Redis AOF everysec P1"), pairs);
    }

    @Test
    void shouldJudgeTheIssuesGoalsOnTheFlashMix()
    {
        final List<Report.Pair> pairs = Report.pairs(ROWS);
        final Report.Pair postgres = pairs.get(0);
        assertEquals(50, postgres.goal());
        assertEquals(600_000 / 11_000.0, postgres.throughputRatio(), 1e-9);
        assertTrue(postgres.goalMet());
        final Report.Pair redis = pairs.get(2);
        assertEquals(5, redis.goal());
        assertTrue(redis.goalMet());
        assertEquals(0, pairs.get(1).goal(), "no goal against PostgreSQL without synchronous commit");
        final Report.Pair slowerTail = new Report.Pair(row("engine-binary", "process", "flash", 8, 16, 600_000, 3.0),
            ROWS.get(6));
        assertFalse(slowerTail.goalMet(), "more throughput but a higher p99 does not meet the goal");
    }

    @Test
    void shouldWriteEveryRunAndEveryPair()
    {
        final String md = Report.markdown("Peer comparison, test", List.of("quick run"), ROWS);
        assertTrue(md.startsWith("# Peer comparison, test\n\n- quick run\n"));
        assertEquals(ROWS.size(), md.lines().filter(l -> l.startsWith("| engine (") || l.startsWith("| PostgreSQL") ||
            l.startsWith("| Redis")).count());
        assertTrue(md.contains("| engine (binary) | --durability sync | flash | 8 | 1 | 600,000 | 0.500 | 1.000 | " +
            "100 | 0 | ok |"), md);
        assertTrue(md.contains("| PostgreSQL | synchronous_commit=on | flash | 8 | 1 | 11,000 | 1.025 | 2.050 | 100 | " +
            " | ok |"), md);
        assertTrue(md.contains("| Redis | appendonly yes, appendfsync everysec | flash | 8 | 16 | 104,000 |"), md);
        assertTrue(md.contains("| flash | 8 | engine (binary) sync P1 | PostgreSQL synchronous_commit=on P1 | 55x | " +
            "0.500 vs 1.025 | 1.000 vs 2.050 | >= 50x, lower p99: met |"), md);
        assertTrue(md.contains("| flash | 8 | engine (binary) process P16 | Redis AOF everysec P16 | 6.73x |"), md);
    }

    @Test
    void shouldRoundTripRowsThroughTheCsv(@TempDir final Path dir) throws IOException
    {
        final Path csv = dir.resolve("results.csv");
        final ResultRow withComma = new ResultRow("postgres", "synchronous_commit=on", "flash", 8, 1, 20, 11103.4,
            0.61, 2.05, 222068, 222068, -1, -1, 0, "FAIL: a, b", null);
        withComma.appendTo(csv);
        ROWS.get(0).appendTo(csv);
        final List<ResultRow> read = ResultRow.readAll(csv);
        assertEquals(2, read.size());
        assertEquals("FAIL: a; b", read.get(0).check());
        assertEquals(withComma.toCsv(), read.get(0).toCsv());
        assertEquals(ROWS.get(0), read.get(1));
        assertEquals(42L, read.get(1).seed());
    }

    @Test
    void shouldReadRowsWrittenBeforeTheSeedColumn(@TempDir final Path dir) throws IOException
    {
        final Path csv = dir.resolve("old.csv");
        Files.writeString(csv, ResultRow.HEADER_WITHOUT_SEED + "\n" +
            "engine-binary,sync,uniform,8,1,8.0,15378.9,0.409,3.977,123031,140348,0,0,0,ok\n");
        ROWS.get(0).appendTo(csv);
        final List<ResultRow> read = ResultRow.readAll(csv);
        assertEquals(2, read.size());
        assertNull(read.get(0).seed());
        assertEquals(140348, read.get(0).reserved());
        assertEquals(ROWS.get(0), read.get(1));
    }
}
