package io.stockengine.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/** Reading ahead must be invisible: the same results, sequence numbers and state as without it. */
class PrefetcherTest
{
    private static final EngineConfig CONFIG = new EngineConfig().dedupWindowMillis(30_000).dedupCapacity(5_000);

    /**
     * One engine runs the generator's stream (every command type, refusals, expiries, kits, bad input) one command
     * at a time; the other in windows of random size, each read ahead before it runs. Hash collisions in the
     * read-ahead and windows that create the SKUs and orders they later use are part of the stream.
     */
    @Test
    void shouldChangeNothingButTheCache()
    {
        final long seed = Long.getLong("stock.test.seed", System.nanoTime());
        System.out.println("PrefetcherTest seed=" + seed + " (rerun with -Dstock.test.seed=" + seed + ")");
        final int length = 60_000;
        final List<Command> stream = CommandGenerator.stream(seed, length);

        final StockEngine plain = new StockEngine(CONFIG, NoOpEventSink.INSTANCE);
        final StockEngine ahead = new StockEngine(CONFIG, NoOpEventSink.INSTANCE);
        final long initial = plain.stateHash();
        final SplittableRandom random = new SplittableRandom(seed);
        final Command a = new Command();
        final Command[] window = new Command[StockEngine.PREFETCH_WINDOW];
        for (int k = 0; k < window.length; k++)
        {
            window[k] = new Command();
        }
        int i = 0;
        while (i < length)
        {
            final int n = Math.min(length - i, 1 + random.nextInt(window.length));
            for (int k = 0; k < n; k++)
            {
                window[k].copyInputsFrom(stream.get(i + k));
            }
            ahead.prefetch(window, n);
            for (int k = 0; k < n; k++, i++)
            {
                a.copyInputsFrom(stream.get(i));
                plain.process(a);
                ahead.process(window[k]);
                if (a.result != window[k].result || a.seq != window[k].seq || a.rowCount != window[k].rowCount)
                {
                    fail("seed=" + seed + " step=" + i + " command=" + CommandGenerator.describe(stream.get(i)) +
                        ": read-ahead changed the answer (result " + a.result + "/" + window[k].result + ")");
                }
            }
        }
        assertEquals(plain.stateHash(), ahead.stateHash(), "seed=" + seed + ": state after the stream");
        assertNotEquals(initial, plain.stateHash(), "seed=" + seed + ": the stream changed nothing");
    }

    /** Slots as a decoder could leave them: nulls, empty names, lines without a SKU. Reading ahead must not throw. */
    @Test
    void shouldTolerateAnySlotContent()
    {
        final StockEngine engine = new StockEngine(CONFIG, NoOpEventSink.INSTANCE);
        final Command stocked = new Command();
        stocked.type = CommandType.RECEIVE;
        stocked.timestamp = 1_000;
        stocked.sku = "A";
        stocked.location = "L";
        stocked.quantity = 5;
        stocked.reference = "PO-1";
        engine.process(stocked);
        assertEquals(ResultCode.OK, stocked.result);

        final Command[] window = new Command[6];
        for (int k = 0; k < window.length; k++)
        {
            window[k] = new Command();
            window[k].type = CommandType.RESERVE;
            window[k].timestamp = 2_000;
        }
        window[0].orderId = "";
        window[0].sku = "";
        window[1].line(null, null, 1);
        window[2].line("", "", 0);
        window[3].orderId = "\u20AC-not-storable";
        window[4].line("A", "L", 1);
        window[4].orderId = "O-1";
        window[4].channel = "web";
        window[5].type = -7;
        engine.prefetch(window, window.length);
        engine.prefetch(window, 0);
        for (final Command c : window)
        {
            engine.process(c);
        }
        assertEquals(ResultCode.OK, window[4].result);
        assertEquals(ResultCode.INVALID_REQUEST, window[5].result);
    }
}
