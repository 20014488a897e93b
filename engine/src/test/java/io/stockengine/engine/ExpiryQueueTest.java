package io.stockengine.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

class ExpiryQueueTest
{
    private record Entry(long time, long seq, int order)
    {
    }

    /**
     * Pushes and pops interleaved, with TTLs from a few channels (in order per channel, so the lanes fill) and
     * stragglers earlier than every lane (so the heap fills): pops must come out in (time, seq) order, each entry
     * once. Halfway, the queue goes through a snapshot and carries on from the copy.
     */
    @Test
    void shouldPopInTimeThenSeqOrderWhateverTheMixOfTtls()
    {
        final long seed = Long.getLong("stock.test.seed", System.nanoTime());
        System.out.println("ExpiryQueueTest seed=" + seed + " (rerun with -Dstock.test.seed=" + seed + ")");
        final SplittableRandom random = new SplittableRandom(seed);
        final long[] ttls = { 900_000, 1_800_000, 60_000, 86_400_000, 300_000, 5_000 };
        ExpiryQueue queue = new ExpiryQueue();
        // Ordered as the queue must pop: a plain sorted set, so the reference costs a log per step, not a sort.
        final TreeSet<Entry> pending = new TreeSet<>(
            Comparator.comparingLong(Entry::time).thenComparingLong(Entry::seq));
        long now = 0;
        long seq = 0;
        int popped = 0;
        for (int step = 0; step < 200_000; step++)
        {
            now += random.nextInt(20);
            if (step == 100_000)
            {
                queue = copy(queue);
            }
            if (random.nextInt(10) < 6)
            {
                final long ttl = random.nextInt(20) == 0 ? 1 + random.nextInt(2_000_000) :
                    ttls[random.nextInt(random.nextBoolean() ? 2 : ttls.length)];
                final Entry e = new Entry(now + ttl, ++seq, step);
                pending.add(e);
                queue.push(e.time, e.seq, e.order, step & 0xFF);
                continue;
            }
            while (!pending.isEmpty() && pending.first().time <= now)
            {
                final Entry expected = pending.pollFirst();
                assertTrue(queue.due(now), "seed " + seed + " step " + step);
                assertEquals(expected.time, queue.headTime(), "seed " + seed + " step " + step);
                assertEquals(expected.order, queue.headOrder(), "seed " + seed + " step " + step);
                assertEquals(expected.order & 0xFF, queue.headGeneration(), "seed " + seed + " step " + step);
                queue.pop();
                popped++;
            }
            assertFalse(queue.due(now), "seed " + seed + " step " + step);
            assertEquals(pending.size(), queue.size(), "seed " + seed + " step " + step);
        }
        assertTrue(popped > 10_000, "the run popped " + popped);
    }

    @Test
    void shouldKeepEqualTimesInSeqOrderAcrossLanesAndHeap()
    {
        final ExpiryQueue queue = new ExpiryQueue();
        queue.push(100, 5, 5, 0);
        queue.push(200, 6, 6, 0);
        queue.push(100, 7, 7, 0);
        queue.push(50, 8, 8, 0);
        queue.push(100, 1, 1, 0);
        queue.push(100, 9, 9, 0);
        queue.push(10, 10, 10, 0);
        queue.push(100, 2, 2, 0);
        final int[] expected = { 10, 8, 1, 2, 5, 7, 9, 6 };
        for (final int order : expected)
        {
            assertTrue(queue.due(1_000));
            assertEquals(order, queue.headOrder());
            queue.pop();
        }
        assertFalse(queue.due(Long.MAX_VALUE));
        assertEquals(0, queue.size());
    }

    private static ExpiryQueue copy(final ExpiryQueue queue)
    {
        try
        {
            final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            queue.write(new DataOutputStream(bytes));
            final ExpiryQueue copy = new ExpiryQueue();
            copy.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
            assertEquals(queue.size(), copy.size());
            return copy;
        }
        catch (final IOException e)
        {
            throw new AssertionError(e);
        }
    }
}
