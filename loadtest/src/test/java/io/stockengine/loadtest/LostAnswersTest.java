package io.stockengine.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Answers that never arrive: every tenth request (set-up, run and reconciliation alike) reaches the real server and
 * is applied, but the load test is told the connection dropped. The reconciliation must settle each one with the
 * engine (query the order, send the keyed movement again) and still balance to the unit.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LostAnswersTest
{
    private static TestServer server;

    @BeforeAll
    static void startServer() throws Exception
    {
        server = new TestServer();
    }

    @AfterAll
    static void stopServer() throws Exception
    {
        server.close();
    }

    /** Passes everything through, but replaces every tenth outcome with CONNECTION_LOST. */
    private static final class LosingTarget implements Target
    {
        private final Target real;
        private final AtomicLong requests = new AtomicLong();
        private final AtomicLong lost;

        LosingTarget(final Target real, final AtomicLong lost)
        {
            this.real = real;
            this.lost = lost;
        }

        @Override
        public int connections()
        {
            return real.connections();
        }

        @Override
        public boolean pipelined()
        {
            return real.pipelined();
        }

        @Override
        public String protocol()
        {
            return real.protocol();
        }

        @Override
        public void send(final int connection, final Op op, final Completion completion)
        {
            final boolean lose = requests.incrementAndGet() % 10 == 0;
            // Only commands the generator sent count: set-up and reconciliation requests are retried by the bulk
            // sender, and queries change nothing that would need settling.
            final boolean counted = lose && op.intendedNanos != 0 && !OpKind.isQuery(op.kind);
            real.send(connection, op, (sent, outcome) ->
            {
                if (counted)
                {
                    lost.incrementAndGet();
                }
                completion.completed(sent, lose ? Outcome.of(Codes.CONNECTION_LOST) : outcome);
            });
        }

        @Override
        public void close()
        {
            real.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "marketplace", "pos" })
    void shouldSettleUnknownOutcomesWithTheEngine(final String scenario, @TempDir final Path out) throws Exception
    {
        final ByteArrayOutputStream log = new ByteArrayOutputStream();
        final LoadConfig config = server.config(scenario, "binary", out);
        config.runId = "lost" + Long.toString(System.nanoTime() & 0xFFFFFF, 36);
        final AtomicLong lost = new AtomicLong();
        try (LoadTest test = new LoadTest(config, new PrintStream(log, true, StandardCharsets.UTF_8))
            .wrapTarget(real -> new LosingTarget(real, lost)))
        {
            test.connect();
            test.setup();
            test.load();
            final Reconciliation reconciliation = test.reconcile();
            final String report = log.toString(StandardCharsets.UTF_8) + reconciliation.differences;
            assertTrue(lost.get() > 20, "answers lost: " + lost.get() + "\n" + report);
            assertEquals(lost.get(), reconciliation.unknownResolved, report);
            assertTrue(reconciliation.passed(), report);
        }
    }
}
