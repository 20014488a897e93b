package io.stockengine.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

import org.junit.jupiter.api.Test;

/** The bindings' kept answers: kept in binding order, bounded by their budget, carried by growth and snapshots. */
class IdempotencyWindowTest
{
    private static final long WINDOW = 1_000;

    /** Binds key {@code k<n>} with an answer of {@code length} ints, each {@code n * 1000 + i}. */
    private static void bindWithAnswer(final IdempotencyWindow window, final int n, final int length, final long now)
    {
        final int slot = window.bind("k" + n, n, n, now);
        if (window.openAnswer(slot, length))
        {
            for (int i = 0; i < length; i++)
            {
                window.answerPut(i, n * 1000 + i);
            }
        }
    }

    private static void assertAnswer(final IdempotencyWindow window, final int n, final int length, final long now)
    {
        final int slot = window.find("k" + n, now);
        assertTrue(slot >= 0, "k" + n + " is bound");
        assertEquals(length, window.answerLength(slot), "answer length of k" + n);
        for (int i = 0; i < length; i++)
        {
            assertEquals(n * 1000 + i, window.answerGet(slot, i), "int " + i + " of k" + n);
        }
    }

    /** Keys that leave by age are the window working; keys that leave younger, for room, are counted and aged. */
    @Test
    void shouldCountTheKeysForgottenInsideTheWindowForRoom()
    {
        final IdempotencyWindow window = new IdempotencyWindow(WINDOW, 3);
        window.bind("a", 1, 1, 0);
        window.bind("b", 2, 2, 10);
        window.bind("c", 3, 3, 20);
        assertEquals(0, window.forgottenEarly());
        window.bind("d", 4, 4, 250);
        assertEquals(1, window.forgottenEarly(), "a went for room, 250 ms into its 1,000");
        assertEquals(250, window.forgottenEarlyAge());
        assertTrue(window.find("a", 250) < 0, "a retry of a is no longer recognised");
        window.bind("e", 5, 5, 2_000);
        assertEquals(1, window.forgottenEarly(), "b, c and d were past the window");
        assertEquals(250, window.forgottenEarlyAge());
    }

    /** A lower capacity at a restart forgets the oldest keys at once: those inside the window are counted too. */
    @Test
    void shouldCountTheKeysALowerCapacityForgetsInsideTheWindow()
    {
        final IdempotencyWindow window = new IdempotencyWindow(WINDOW, 10);
        window.bind("a", 1, 1, 0);
        window.bind("b", 2, 2, 1_500);
        window.bind("c", 3, 3, 1_600);
        window.bind("d", 4, 4, 1_700);
        window.retain(WINDOW, 1);
        assertEquals(1, window.size());
        assertEquals(2, window.forgottenEarly(), "b and c, 200 and 100 ms before the newest; a was past the window");
        assertEquals(100, window.forgottenEarlyAge(), "c, the last to go");
        assertTrue(window.find("d", 1_700) >= 0, "the newest is kept");
    }

    @Test
    void shouldKeepEveryAnswerThroughTheWindowsGrowthAndTheRingsWrap()
    {
        final IdempotencyWindow window = new IdempotencyWindow(WINDOW, 100_000, 1 << 20);
        for (int n = 0; n < 5_000; n++)
        {
            if (n % 3 == 0)
            {
                window.bind("k" + n, n, n, 0);
            }
            else
            {
                bindWithAnswer(window, n, n % 7 + 1, 0);
            }
        }
        for (int n = 0; n < 5_000; n++)
        {
            assertAnswer(window, n, n % 3 == 0 ? -1 : n % 7 + 1, 0);
        }
    }

    @Test
    void shouldDropTheOldestAnswersWhenTheBudgetIsFullAndKeepTheirBindings()
    {
        // Each answer of 8 ints takes 10 of the budget: 5 fit in 50.
        final IdempotencyWindow window = new IdempotencyWindow(WINDOW, 1_000, 50);
        for (int n = 0; n < 12; n++)
        {
            bindWithAnswer(window, n, 8, 0);
        }
        for (int n = 0; n < 7; n++)
        {
            assertAnswer(window, n, -1, 0);
        }
        for (int n = 7; n < 12; n++)
        {
            assertAnswer(window, n, 8, 0);
        }
        assertEquals(50, window.answerInts());
        assertEquals(12, window.size(), "bindings stay when their answers go");
    }

    @Test
    void shouldKeepNoAnswerLargerThanTheBudget()
    {
        final IdempotencyWindow window = new IdempotencyWindow(WINDOW, 1_000, 50);
        bindWithAnswer(window, 1, 8, 0);
        final int slot = window.bind("k2", 2, 2, 0);
        assertFalse(window.openAnswer(slot, 49), "49 ints and a record of 2 do not fit in 50");
        assertAnswer(window, 1, 8, 0);
        assertEquals(-1, window.answerLength(slot));
        assertFalse(new IdempotencyWindow(WINDOW, 1_000, 0).openAnswer(0, 0), "a budget of 0 keeps nothing");
    }

    @Test
    void shouldReleaseAnAnswerWithItsBindingWhenTheBindingLeavesTheWindow()
    {
        final IdempotencyWindow byTime = new IdempotencyWindow(WINDOW, 1_000, 1 << 10);
        bindWithAnswer(byTime, 1, 8, 0);
        bindWithAnswer(byTime, 2, 8, 500);
        bindWithAnswer(byTime, 3, 4, 1_000);
        assertEquals(-1, byTime.find("k1", 1_000), "k1 left the window");
        assertEquals(10 + 6, byTime.answerInts(), "k1's answer went with it");
        assertAnswer(byTime, 2, 8, 1_000);
        assertAnswer(byTime, 3, 4, 1_000);

        final IdempotencyWindow byCount = new IdempotencyWindow(WINDOW, 3, 1 << 10);
        for (int n = 0; n < 10; n++)
        {
            bindWithAnswer(byCount, n, n + 1, 0);
        }
        assertEquals(3, byCount.size());
        assertEquals(8 + 2 + 9 + 2 + 10 + 2, byCount.answerInts(), "only the answers of the three bindings kept");
        for (int n = 7; n < 10; n++)
        {
            assertAnswer(byCount, n, n + 1, 0);
        }
    }

    @Test
    void shouldCarryAnswersThroughASnapshotAndReadAVersionWithoutThem() throws IOException
    {
        final IdempotencyWindow window = new IdempotencyWindow(WINDOW, 1_000, 1 << 10);
        for (int n = 0; n < 20; n++)
        {
            if (n % 2 == 0)
            {
                bindWithAnswer(window, n, n % 5 + 1, 0);
            }
            else
            {
                window.bind("k" + n, n, n, 0);
            }
        }
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        window.write(new DataOutputStream(bytes));
        final IdempotencyWindow read = new IdempotencyWindow(WINDOW, 1_000, 1 << 10);
        read.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())), true);
        for (int n = 0; n < 20; n++)
        {
            assertAnswer(read, n, n % 2 == 0 ? n % 5 + 1 : -1, 0);
        }
        assertEquals(window.hash(7), read.hash(7));

        final IdempotencyWindow plain = new IdempotencyWindow(WINDOW, 1_000);
        plain.bind("k1", 1, 1, 0);
        final ByteArrayOutputStream old = new ByteArrayOutputStream();
        final DataOutputStream out = new DataOutputStream(old);
        // Version 1's layout: count, then key, fingerprint, seq, time per binding.
        out.writeInt(1);
        out.writeUTF("k1");
        out.writeLong(1);
        out.writeLong(1);
        out.writeLong(0);
        final IdempotencyWindow fromOld = new IdempotencyWindow(WINDOW, 1_000, 1 << 10);
        fromOld.read(new DataInputStream(new ByteArrayInputStream(old.toByteArray())), false);
        assertEquals(0, fromOld.find("k1", 0));
        assertEquals(-1, fromOld.answerLength(0));
        assertEquals(plain.hash(7), fromOld.hash(7));
    }

    /**
     * Against a plain model (a map of each key's answer, the answers in binding order, dropped oldest first over the
     * budget), with answers long enough to cross the ring's pages of 65,536 ints and wrap it many times, bindings
     * leaving by count, and a snapshot read back into a window of a smaller budget halfway.
     */
    @Test
    void shouldMatchAModelAcrossPagesWrapsAndASmallerBudget() throws IOException
    {
        final long seed = Long.getLong("stock.test.seed", System.nanoTime());
        System.out.println("IdempotencyWindowTest seed=" + seed + " (rerun with -Dstock.test.seed=" + seed + ")");
        final java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
        final int capacity = 5_000;
        int budget = 300_000;
        IdempotencyWindow window = new IdempotencyWindow(WINDOW, capacity, budget);
        final java.util.LinkedHashMap<String, int[]> model = new java.util.LinkedHashMap<>();
        final java.util.ArrayDeque<String> bound = new java.util.ArrayDeque<>();
        for (int n = 0; n < 40_000; n++)
        {
            final String key = "k" + n;
            if (bound.size() == capacity)
            {
                model.remove(bound.pollFirst());
            }
            bound.addLast(key);
            final int slot = window.bind(key, n, n, 0);
            final int length = random.nextInt(4) == 0 ? -1 : random.nextInt(random.nextInt(20) == 0 ? 30_000 : 40);
            if (length >= 0 && window.openAnswer(slot, length))
            {
                final int[] answer = new int[length];
                for (int i = 0; i < length; i++)
                {
                    answer[i] = random.nextInt();
                    window.answerPut(i, answer[i]);
                }
                model.put(key, answer);
                dropOverBudget(model, budget);
            }
            if (n == 20_000)
            {
                final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                window.write(new DataOutputStream(bytes));
                budget = 100_000;
                window = new IdempotencyWindow(WINDOW, capacity, budget);
                window.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())), true);
                dropOverBudget(model, budget);
            }
            if (n % 997 == 0 || n == 39_999)
            {
                for (final String k : bound)
                {
                    final int s = window.find(k, 0);
                    assertTrue(s >= 0, "seed " + seed + ": " + k + " bound");
                    final int[] expected = model.get(k);
                    assertEquals(expected == null ? -1 : expected.length, window.answerLength(s),
                        "seed " + seed + ": length of " + k + " at " + n);
                    for (int i = 0; expected != null && i < expected.length; i++)
                    {
                        assertEquals(expected[i], window.answerGet(s, i), "seed " + seed + ": " + k + "[" + i + "]");
                    }
                }
            }
        }
        long used = 0;
        for (final int[] answer : model.values())
        {
            used += answer.length + 2;
        }
        assertEquals(used, window.answerInts(), "seed " + seed);
    }

    /** The model's rule: the oldest answers go while the kept ones (2 ints more each) pass the budget. */
    private static void dropOverBudget(final java.util.LinkedHashMap<String, int[]> model, final int budget)
    {
        long used = 0;
        for (final int[] answer : model.values())
        {
            used += answer.length + 2;
        }
        final java.util.Iterator<int[]> oldest = model.values().iterator();
        while (used > budget)
        {
            used -= oldest.next().length + 2;
            oldest.remove();
        }
    }

    @Test
    void shouldCountAnswersInTheHash()
    {
        final IdempotencyWindow a = new IdempotencyWindow(WINDOW, 1_000, 1 << 10);
        final IdempotencyWindow b = new IdempotencyWindow(WINDOW, 1_000, 1 << 10);
        bindWithAnswer(a, 1, 3, 0);
        final int slot = b.bind("k1", 1, 1, 0);
        b.openAnswer(slot, 3);
        b.answerPut(0, 1000);
        b.answerPut(1, 1001);
        b.answerPut(2, 9);
        assertNotEquals(a.hash(7), b.hash(7));
    }
}
