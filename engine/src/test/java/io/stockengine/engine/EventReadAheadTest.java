package io.stockengine.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class EventReadAheadTest
{
    /**
     * The read-ahead takes whatever a journal record says, and records are checked only for integrity, not for
     * sense: unknown SKUs and locations, negative ids, ids that are not ASCII, line numbers past the order's lines,
     * on an empty state and on a filled one. None of it may throw or change the state.
     */
    @Test
    void shouldWarmAnythingWithoutFailingOrChangingTheState()
    {
        final long seed = Long.getLong("stock.test.seed", System.nanoTime());
        System.out.println("EventReadAheadTest seed=" + seed + " (rerun with -Dstock.test.seed=" + seed + ")");
        final SplittableRandom random = new SplittableRandom(seed);
        final InventoryState state = new InventoryState(new EngineConfig());
        final EventReadAhead readAhead = new EventReadAhead(state);
        warmAtRandom(readAhead, random);
        assertEquals(0, readAhead.failures(), "seed " + seed);

        for (int sku = 0; sku < 200; sku++)
        {
            state.received(sku + 1, "PO", sku, sku % 3, 10, 5, Bucket.SELLABLE, 0);
        }
        for (int o = 0; o < 50; o++)
        {
            state.orderReserved(1_000 + o, "order-" + o, 0, 0, o, 2);
            state.orderLine(1_000 + o, "order-" + o, 0, o, o % 3, 1, 0, -1, 1);
            state.orderLine(1_000 + o, "order-" + o, 1, o + 1, (o + 1) % 3, 1, 0, -1, 1);
        }
        final long before = state.stateHash();
        for (int round = 0; round < 200; round++)
        {
            warmAtRandom(readAhead, random);
        }
        assertEquals(0, readAhead.failures(), "seed " + seed);
        assertEquals(before, state.stateHash(), "seed " + seed);
    }

    private static void warmAtRandom(final EventReadAhead readAhead, final SplittableRandom random)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
        // More than a window's worth: the extra names are ignored, never overflow.
        for (int k = 0; k < EventReadAhead.WINDOW + 8; k++)
        {
            switch (random.nextInt(4))
            {
                case 0 -> readAhead.balance(random.nextInt(-3, 300), random.nextInt(-3, 5));
                case 1 ->
                {
                    final byte[] id = ("order-" + random.nextInt(60)).getBytes(StandardCharsets.UTF_8);
                    buffer.putBytes(0, id);
                    readAhead.order(buffer, 0, id.length, random.nextInt(-2, 5));
                }
                case 2 ->
                {
                    final int length = random.nextInt(0, 64);
                    for (int i = 0; i < length; i++)
                    {
                        buffer.putByte(i, (byte)random.nextInt(256));
                    }
                    readAhead.order(buffer, 0, length, random.nextBoolean() ? Integer.MAX_VALUE : -1);
                }
                default -> readAhead.orderCreated(buffer, 0, random.nextInt(0, 12));
            }
        }
        assertEquals(EventReadAhead.WINDOW, readAhead.size());
        readAhead.run();
        assertEquals(0, readAhead.size());
    }
}
