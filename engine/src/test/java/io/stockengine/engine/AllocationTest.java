package io.stockengine.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.management.ManagementFactory;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The logic thread must not allocate in steady state: a warmed-up mix of reserve, pick, ship, cancel, receive and
 * queries is run and the thread's allocated bytes are read before and after.
 */
class AllocationTest
{
    private static final int SKUS = 2_000;
    private static final int LOCATIONS = 4;
    private static final int ORDER_RING = 4_096;
    /** Allowance for the odd JIT or class-initialisation allocation on the measured thread, not per command. */
    private static final long ALLOWANCE_BYTES = 4096;

    private static final com.sun.management.ThreadMXBean THREADS =
        (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();

    /** Names of the catalogue loaded by {@link #load}, built once so the mixes allocate nothing for them. */
    private static final String[] SKU_NAMES = new String[SKUS];
    private static final String[] LOCATION_NAMES = new String[LOCATIONS];

    static
    {
        for (int i = 0; i < SKUS; i++)
        {
            SKU_NAMES[i] = "SKU-" + i;
        }
        for (int i = 0; i < LOCATIONS; i++)
        {
            LOCATION_NAMES[i] = "WH" + i;
        }
    }

    /** Pre-built inputs, so producing the stream allocates nothing either. */
    private static final class Mix
    {
        final String[] skus = SKU_NAMES;
        final String[] locations = LOCATION_NAMES;
        final String[] orderIds = new String[ORDER_RING];
        final String[] keys = new String[ORDER_RING];
        long time = 1_000_000L;
        int step;

        Mix()
        {
            for (int i = 0; i < ORDER_RING; i++)
            {
                orderIds[i] = "order-" + i;
                keys[i] = "key-" + i;
            }
        }

        /** Fills the next command of a cyclic marketplace mix; order ids are reused once their order is finished. */
        void fill(final Command c)
        {
            c.reset();
            final int n = step++;
            time += 3;
            c.timestamp = time;
            final int slot = n % ORDER_RING;
            final int sku = (int)((n * 2_654_435_761L) % SKUS);
            final int location = n % LOCATIONS;
            switch (n % 10)
            {
                case 0:
                case 1:
                case 2:
                case 3:
                    c.type = CommandType.RESERVE;
                    c.orderId = orderIds[slot];
                    c.channel = "web";
                    c.time = 5_000;
                    c.line(skus[sku], (n & 1) == 0 ? locations[location] : null, 1);
                    break;
                case 4:
                    c.type = CommandType.PICK;
                    c.orderId = orderIds[(slot + ORDER_RING - 4) % ORDER_RING];
                    break;
                case 5:
                    c.type = CommandType.SHIP;
                    c.orderId = orderIds[(slot + ORDER_RING - 5) % ORDER_RING];
                    break;
                case 6:
                    c.type = CommandType.CANCEL;
                    c.orderId = orderIds[(slot + ORDER_RING - 4) % ORDER_RING];
                    break;
                case 7:
                    c.type = CommandType.RECEIVE;
                    c.key = keys[slot];
                    c.sku = skus[sku];
                    c.location = locations[location];
                    c.quantity = 2;
                    c.amount = 1_500_000;
                    break;
                case 8:
                    c.type = CommandType.QUERY_AVAILABILITY;
                    c.channel = "web";
                    c.line(skus[sku], null, 0);
                    break;
                default:
                    c.type = CommandType.QUERY_STOCK_AT;
                    c.sku = skus[sku];
                    c.location = locations[location];
                    break;
            }
        }
    }

    /**
     * Every other steady-state path, in cycles of 20 commands: a keyed partial pick, its retry (a replay answered
     * from the kept answer) and a conflicting reuse of its key, a whole-order ship, a keyed return to quality control
     * and its inspection, a sale and a refused sale, a move, an adjustment, a count, a purchase-order line announced
     * and received, availability at a date, an order query, a clock tick that expires reservations, a refused
     * reservation and a channel query. Keys and order ids come back long after the dedup window.
     */
    private static final class WideMix
    {
        private static final int CYCLES = 4_096;
        final String[] skus = SKU_NAMES;
        final String[] locations = LOCATION_NAMES;
        final String[] orders = new String[CYCLES];
        final String[] expiring = new String[CYCLES];
        final String[] refused = new String[CYCLES];
        final String[][] keys = new String[10][CYCLES];
        final String[] purchaseOrders = { "po-0", "po-1", "po-2", "po-3" };
        long time = 1_000_000L;
        int step;
        final int[] outcomes = new int[4];

        WideMix()
        {
            for (int i = 0; i < CYCLES; i++)
            {
                orders[i] = "wide-" + i;
                expiring[i] = "ttl-" + i;
                refused[i] = "refused-" + i;
                for (int k = 0; k < keys.length; k++)
                {
                    keys[k][i] = "k" + k + "-" + i;
                }
            }
        }

        void fill(final Command c)
        {
            c.reset();
            final int n = step++;
            time += 3;
            c.timestamp = time;
            final int cycle = (n / 20) % CYCLES;
            final int sku = (int)(((n / 20) * 2_654_435_761L) % SKUS);
            final int location = (n / 20) % LOCATIONS;
            switch (n % 20)
            {
                case 0 -> reserve(c, orders[cycle], skus[sku], locations[location], 2, 0);
                case 1 -> reserve(c, expiring[cycle], skus[sku], null, 1, 50);
                case 2, 3, 4 ->
                {
                    c.type = CommandType.PICK;
                    c.orderId = orders[cycle];
                    c.key = keys[0][cycle];
                    c.line(skus[sku], null, n % 20 == 4 ? 2 : 1);
                }
                case 5 ->
                {
                    c.type = CommandType.SHIP;
                    c.orderId = orders[cycle];
                }
                case 6 ->
                {
                    c.type = CommandType.RETURN;
                    c.orderId = orders[cycle];
                    c.key = keys[1][cycle];
                    c.flag = true;
                    c.line(skus[sku], null, 1);
                }
                case 7 -> movement(c, CommandType.INSPECT, keys[2][cycle], skus[sku], locations[location], 1);
                case 8, 9 ->
                {
                    c.type = CommandType.SALE;
                    c.key = keys[n % 20 == 8 ? 3 : 4][cycle];
                    c.channel = "pos";
                    c.location = locations[location];
                    c.line(skus[sku], null, n % 20 == 8 ? 1 : 1_000_000_000);
                }
                case 10 ->
                {
                    movement(c, CommandType.MOVE, keys[5][cycle], skus[sku], locations[location], 1);
                    c.bucket = Bucket.SELLABLE;
                    c.bucket2 = Bucket.DAMAGED;
                    c.reason = Reason.DAMAGE;
                }
                case 11 ->
                {
                    movement(c, CommandType.ADJUST, keys[6][cycle], skus[sku], locations[location], -1);
                    c.bucket = Bucket.DAMAGED;
                    c.reason = Reason.WRITE_OFF;
                }
                case 12 -> movement(c, CommandType.COUNT, keys[7][cycle], skus[sku], locations[location],
                    1_000_000);
                case 13 ->
                {
                    // A few purchase-order lines only, so the incoming table stops growing during the warm-up.
                    movement(c, CommandType.ANNOUNCE_INCOMING, keys[8][cycle], skus[cycle % 64],
                        locations[cycle % LOCATIONS], 5);
                    c.reference = purchaseOrders[cycle % 4];
                    c.time = time + 86_400_000L;
                    c.amount = 2_000_000;
                }
                case 14 ->
                {
                    movement(c, CommandType.RECEIVE, keys[9][cycle], skus[cycle % 64], locations[cycle % LOCATIONS],
                        1);
                    c.reference = purchaseOrders[cycle % 4];
                    c.amount = 2_000_000;
                }
                case 15 ->
                {
                    c.type = CommandType.QUERY_AVAILABILITY;
                    c.channel = "web";
                    c.flag = true;
                    c.time = time + 2 * 86_400_000L;
                    c.line(skus[cycle % 64], null, 0);
                }
                case 16 ->
                {
                    c.type = CommandType.QUERY_ORDER;
                    c.orderId = orders[cycle];
                }
                case 17 -> c.type = CommandType.TICK;
                case 18 -> reserve(c, refused[cycle], skus[sku], locations[location], 1_000_000_000, 0);
                default ->
                {
                    c.type = CommandType.QUERY_CHANNEL;
                    c.channel = "web";
                }
            }
        }

        private static void reserve(final Command c, final String orderId, final String sku, final String location,
            final long quantity, final long ttl)
        {
            c.type = CommandType.RESERVE;
            c.orderId = orderId;
            c.channel = "web";
            c.time = ttl;
            c.line(sku, location, quantity);
        }

        private static void movement(final Command c, final int type, final String key, final String sku,
            final String location, final long quantity)
        {
            c.type = type;
            c.key = key;
            c.sku = sku;
            c.location = location;
            c.quantity = quantity;
        }

        /** Counts outcomes: fresh successes, replays, refusals and conflicts. */
        void count(final Command c)
        {
            outcomes[c.result == ResultCode.OK ? (c.replayed ? 1 : 0) :
                c.result == ResultCode.IDEMPOTENCY_CONFLICT ? 3 : 2]++;
        }
    }

    @Test
    void shouldNotAllocateForEveryOtherCommandInSteadyState()
    {
        // The kept answers' ring is small here, so its pages are all made during the warm-up, as a full-size ring's
        // are after its first lap.
        final StockEngine engine = new StockEngine(config().dedupAnswerInts(1 << 17), NoOpEventSink.INSTANCE);
        load(engine);
        final WideMix mix = new WideMix();
        final Command c = new Command();
        for (int i = 0; i < 400_000; i++)
        {
            mix.fill(c);
            engine.process(c);
        }
        java.util.Arrays.fill(mix.outcomes, 0);
        final long threadId = Thread.currentThread().getId();
        final long before = allocatedBytes(threadId);
        for (int i = 0; i < 200_000; i++)
        {
            mix.fill(c);
            engine.process(c);
            mix.count(c);
        }
        final long allocated = allocatedBytes(threadId) - before;
        final String outcomes = "fresh " + mix.outcomes[0] + ", replayed " + mix.outcomes[1] + ", refused " +
            mix.outcomes[2] + ", conflicts " + mix.outcomes[3];
        // Per cycle of 20: one replay, one conflict, the two refusals; the other 16 succeed.
        assertEquals(10_000, mix.outcomes[1], outcomes);
        assertEquals(10_000, mix.outcomes[3], outcomes);
        assertEquals(20_000, mix.outcomes[2], outcomes);
        assertTrue(allocated < ALLOWANCE_BYTES, "logic thread allocated " + allocated + " bytes over 200,000 " +
            "commands (" + outcomes + ")");
    }

    private static EngineConfig config()
    {
        // A short dedup window so finished orders and keys reach a steady state within the test.
        return new EngineConfig().dedupWindowMillis(2_000).expectedOrders(8_192);
    }

    private static void load(final StockEngine engine)
    {
        final Command c = new Command();
        for (int s = 0; s < SKUS; s++)
        {
            for (int l = 0; l < LOCATIONS; l++)
            {
                c.reset();
                c.type = CommandType.RECEIVE;
                c.timestamp = 1;
                c.sku = SKU_NAMES[s];
                c.location = LOCATION_NAMES[l];
                c.quantity = 1_000_000;
                c.amount = 1_000_000;
                engine.process(c);
            }
        }
    }

    @Test
    void shouldNotAllocateOnTheLogicThreadInSteadyState()
    {
        assertSteadyStateAllocatesNothing(new StockEngine(config(), NoOpEventSink.INSTANCE));
    }

    @Test
    void shouldNotAllocateWhileChannelsAreWatched()
    {
        final AvailabilityWatch watch = new AvailabilityWatch();
        watch.watch("web");
        watch.watch("b2b");
        assertSteadyStateAllocatesNothing(new StockEngine(config(), NoOpEventSink.INSTANCE).watch(watch));
    }

    private static void assertSteadyStateAllocatesNothing(final StockEngine engine)
    {
        load(engine);
        final Mix mix = new Mix();
        final Command c = new Command();
        int accepted = 0;
        for (int i = 0; i < 400_000; i++)
        {
            mix.fill(c);
            engine.process(c);
        }
        final long threadId = Thread.currentThread().getId();
        final long before = allocatedBytes(threadId);
        for (int i = 0; i < 200_000; i++)
        {
            mix.fill(c);
            engine.process(c);
            accepted += c.result == ResultCode.OK ? 1 : 0;
        }
        final long allocated = allocatedBytes(threadId) - before;
        assertTrue(accepted > 150_000, "the mix must mostly succeed to exercise the paths, accepted " + accepted);
        assertTrue(allocated < ALLOWANCE_BYTES, "logic thread allocated " + allocated + " bytes over 200,000 commands");
    }

    @Test
    @Timeout(60)
    void shouldNotAllocateOnThePipelineLogicThread() throws Exception
    {
        final StockEngine engine = new StockEngine(config(), NoOpEventSink.INSTANCE);
        load(engine);
        final AtomicLong completed = new AtomicLong();
        final CommandCallback done = command -> completed.incrementAndGet();
        final Mix mix = new Mix();
        final long[] clock = { 1_000_000L };
        final PipelineConfig pipelineConfig = new PipelineConfig().ringSize(1024).tickIntervalMillis(0)
            .clock(() -> clock[0]);
        final java.util.Set<Long> earlier = threadsNamed("engine-logic");
        try (EnginePipeline pipeline = new EnginePipeline(pipelineConfig, engine, JournalStage.NONE).start())
        {
            final CommandFiller<Mix> filler = (command, m) ->
            {
                m.fill(command);
                command.callback = done;
            };
            runThrough(pipeline, filler, mix, clock, 400_000, completed);
            final java.util.Set<Long> started = threadsNamed("engine-logic");
            started.removeAll(earlier);
            // This pipeline's own logic thread: one left running by another test would be measured idle.
            assertEquals(1, started.size(), "logic threads started by this pipeline: " + started);
            final long logicThread = started.iterator().next();
            final long before = allocatedBytes(logicThread);
            runThrough(pipeline, filler, mix, clock, 200_000, completed);
            final long allocated = allocatedBytes(logicThread) - before;
            assertTrue(allocated < ALLOWANCE_BYTES,
                "pipeline logic thread allocated " + allocated + " bytes over 200,000 commands");
        }
    }

    private static void runThrough(final EnginePipeline pipeline, final CommandFiller<Mix> filler, final Mix mix,
        final long[] clock, final int commands, final AtomicLong completed) throws InterruptedException
    {
        final long target = completed.get() + commands;
        for (int i = 0; i < commands; i++)
        {
            clock[0] += 3;
            while (!pipeline.tryPublish(filler, mix))
            {
                Thread.onSpinWait();
            }
        }
        final CountDownLatch idle = new CountDownLatch(1);
        while (completed.get() < target)
        {
            idle.await(1, TimeUnit.MILLISECONDS);
        }
        assertEquals(target, completed.get());
    }

    private static java.util.Set<Long> threadsNamed(final String name)
    {
        final java.util.Set<Long> ids = new java.util.HashSet<>();
        for (final Thread thread : Thread.getAllStackTraces().keySet())
        {
            if (thread.getName().equals(name))
            {
                ids.add(thread.getId());
            }
        }
        return ids;
    }

    /**
     * A live thread's allocated bytes. The JVM answers -1 for a thread that has ended or when it cannot measure,
     * and a difference of two such readings would pass as nothing allocated.
     */
    private static long allocatedBytes(final long threadId)
    {
        final long bytes = THREADS.getThreadAllocatedBytes(threadId);
        if (bytes <= 0)
        {
            // Only here is the message built: building it on every reading would allocate inside what is measured.
            fail("no allocation reading for thread " + threadId + " (" + bytes + "): nothing would be measured");
        }
        return bytes;
    }
}
