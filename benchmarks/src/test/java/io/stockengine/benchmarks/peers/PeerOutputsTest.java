package io.stockengine.benchmarks.peers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PeerOutputsTest
{
    /** What pgbench 15 printed for a run of flash.pgb. */
    private static final String PGBENCH = """
        pgbench (15.18 (Debian 15.18-0+deb12u1))
        transaction type: /x/flash.pgb
        scaling factor: 1
        query mode: prepared
        number of clients: 8
        number of threads: 2
        maximum number of tries: 1
        duration: 5 s
        number of transactions actually processed: 55512
        number of failed transactions: 3 (0.005%)
        latency average = 0.720 ms
        initial connection time = 10.512 ms
        tps = 11103.402512 (without initial connection time)
        """;

    /** What redis-benchmark 7.0 printed with --csv. */
    private static final String REDIS = """
        "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
        "EVALSHA 3a5b 1 o:__rand_int__:__rand_int__:__rand_int__ __rand_int__ f 1","104166.67","1.190","0.208","1.039","1.959","2.703","7.095"
        """;

    @Test
    void shouldReadPgbenchsSummary()
    {
        final PeerOutputs.PgbenchSummary s = PeerOutputs.pgbenchSummary(PGBENCH);
        assertEquals(11103.402512, s.tps(), 1e-9);
        assertEquals(55512, s.processed());
        assertEquals(3, s.failed());
        assertThrows(IllegalArgumentException.class, () -> PeerOutputs.pgbenchSummary("pgbench: error"));
    }

    @Test
    void shouldReadPercentilesFromEveryThreadsLog(@TempDir final Path dir) throws IOException
    {
        final StringBuilder thread0 = new StringBuilder();
        final StringBuilder thread1 = new StringBuilder();
        for (int i = 1; i <= 100; i++)
        {
            (i % 2 == 0 ? thread0 : thread1).append(i % 4).append(' ').append(i).append(' ').append(i * 10)
                .append(" 0 1795219200 ").append(i).append('\n');
        }
        thread1.append("3 101 failed 0 1795219201 5\n");
        Files.writeString(dir.resolve("pgb.1234"), thread0);
        Files.writeString(dir.resolve("pgb.1234.1"), thread1);
        Files.writeString(dir.resolve("other.1234"), "0 1 999999 0 1 1\n");
        final PeerOutputs.PgbenchLatencies l = PeerOutputs.pgbenchLatencies(dir.resolve("pgb"));
        assertEquals(100, l.histogram().getTotalCount());
        assertEquals(1, l.failed());
        assertEquals(500, TimeUnit.NANOSECONDS.toMicros(l.histogram().getValueAtPercentile(50)), 1);
        assertEquals(990, TimeUnit.NANOSECONDS.toMicros(l.histogram().getValueAtPercentile(99)), 1);
        assertEquals(0.5, ReserveBench.millis(l.histogram(), 50), 0.001);
    }

    @Test
    void shouldReadRedisBenchmarksCsv()
    {
        final PeerOutputs.RedisResult r = PeerOutputs.redisCsv(REDIS);
        assertEquals(104166.67, r.rps(), 1e-9);
        assertEquals(1.039, r.p50Millis(), 1e-9);
        assertEquals(2.703, r.p99Millis(), 1e-9);
        assertEquals(List.of("a,b", "c\"d", ""), PeerOutputs.csvFields("\"a,b\",\"c\"\"d\",\"\""));
        assertThrows(IllegalArgumentException.class, () -> PeerOutputs.redisCsv("ERR unknown command"));
    }
}
