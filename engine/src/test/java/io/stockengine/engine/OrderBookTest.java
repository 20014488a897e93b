package io.stockengine.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class OrderBookTest
{
    /**
     * Creates and forgets orders at random against a HashMap of the ids that should be found, through index growth
     * and backward-shift deletions; ids of every length up to the maximum, many sharing prefixes. Then a snapshot
     * copy must find the same orders and hash the same.
     */
    @Test
    void shouldFindExactlyTheLiveOrdersThroughChurnAndSnapshot() throws IOException
    {
        final long seed = Long.getLong("stock.test.seed", System.nanoTime());
        System.out.println("OrderBookTest seed=" + seed + " (rerun with -Dstock.test.seed=" + seed + ")");
        final SplittableRandom random = new SplittableRandom(seed);
        final OrderBook book = new OrderBook(16);
        final Map<String, Integer> live = new HashMap<>();
        // Half the time the same String object comes back, as a command's own id does in each of its events.
        final Map<String, String> canonical = new HashMap<>();
        long seq = 0;
        long now = 0;
        for (int step = 0; step < 100_000; step++)
        {
            final String fresh = id(random);
            final String id = random.nextBoolean() ? canonical.computeIfAbsent(fresh, k -> k) : fresh;
            final int found = book.find(id);
            assertEquals(live.getOrDefault(id, -1), found, "seed " + seed + " id " + id);
            if (found < 0)
            {
                final int order = book.create(id, 3, 0, id.hashCode(), ++seq, 1 + random.nextInt(3));
                assertEquals(id, book.id(order).toString(), "seed " + seed);
                live.put(id, order);
            }
            else if (random.nextBoolean())
            {
                // Finished now and forgotten at once (window 0): the slot frees and a later create reuses it.
                book.status(found, OrderStatus.SHIPPED);
                book.finished(found, now);
                book.evictFinished(++now, 0, Integer.MAX_VALUE);
                live.remove(id);
                assertEquals(-1, book.find(id), "seed " + seed + " id " + id);
            }
        }
        assertEquals(live.size(), book.liveOrders());
        for (final Map.Entry<String, Integer> e : live.entrySet())
        {
            assertEquals(e.getValue(), book.find(e.getKey()), "seed " + seed);
        }

        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        book.write(new DataOutputStream(bytes));
        final OrderBook copy = new OrderBook(16);
        copy.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        assertEquals(book.hash(7), copy.hash(7), "seed " + seed);
        for (final Map.Entry<String, Integer> e : live.entrySet())
        {
            assertEquals(e.getValue(), copy.find(e.getKey()), "seed " + seed);
            assertEquals(e.getKey(), copy.id(e.getValue()).toString(), "seed " + seed);
        }
    }

    /**
     * The book remembers the last order found, to spare the events of one command the lookup. That must stop when the
     * order is forgotten: here its record is reused by another id straight away (the free list hands back the newest
     * free record), and then the first id comes back as a new order.
     */
    @Test
    void shouldNotTakeARememberedIdForTheOrderThatReusedItsRecord()
    {
        final OrderBook book = new OrderBook(16);
        final String a = "order-a";
        final String b = "order-b";
        final int first = book.create(a, 0, 0, 0, 1, 1);
        assertEquals(first, book.find(a));
        book.status(first, OrderStatus.CANCELLED);
        book.finished(first, 10);
        book.evictFinished(11, 0, Integer.MAX_VALUE);
        final int second = book.create(b, 0, 0, 0, 2, 1);
        assertEquals(first, second, "the record is reused, so a remembered handle would now be another order");
        assertEquals(-1, book.find(a));
        assertEquals(second, book.find(b));

        final int third = book.create(a, 0, 0, 0, 3, 1);
        assertEquals(third, book.find(a));
        assertEquals(second, book.find(b));
        assertEquals(third, book.find(a));
    }

    /** A reused view (a decoder's flyweight) can hold another id the next time it is passed. */
    @Test
    void shouldCompareAMutableKeyEveryTime()
    {
        final OrderBook book = new OrderBook(16);
        final StringBuilder view = new StringBuilder("order-a");
        final int order = book.create(view, 0, 0, 0, 1, 1);
        assertEquals(order, book.find(view));
        view.setCharAt(6, 'b');
        assertEquals(-1, book.find(view));
        view.setCharAt(6, 'a');
        assertEquals(order, book.find(view));
    }

    @Test
    void shouldHoldIdsOfOneToSixtyFourAsciiCharacters()
    {
        assertTrue(OrderBook.storable("o"));
        assertTrue(OrderBook.storable("A-z.0:9_" + "x".repeat(OrderBook.MAX_ID_LENGTH - 8)));
        assertFalse(OrderBook.storable(""));
        assertFalse(OrderBook.storable("x".repeat(OrderBook.MAX_ID_LENGTH + 1)));
        assertFalse(OrderBook.storable("caf\u00e9"));
        final OrderBook book = new OrderBook(16);
        final String longest = "x".repeat(OrderBook.MAX_ID_LENGTH - 1) + "y";
        final int order = book.create(longest, 0, 0, 0, 1, 1);
        assertEquals(order, book.find(longest));
        assertEquals(-1, book.find("x".repeat(OrderBook.MAX_ID_LENGTH)));
        assertEquals(-1, book.find(longest.substring(1)));
        assertEquals(longest, book.id(order).toString());
        // Ids are compared eight bytes at a time: a character over 0x7F must not pass for its low byte.
        final int nul = book.create("a\u0000b", 0, 0, 0, 2, 1);
        final int plain = book.create("ab", 0, 0, 0, 3, 1);
        assertEquals(-1, book.find("a\u0100b"));
        assertEquals(-1, book.find("\u0161b"));
        assertEquals(nul, book.find("a\u0000b"));
        assertEquals(plain, book.find("ab"));
    }

    /**
     * The snapshot writes each id from the record's bytes as DataOutput's modified UTF-8 would, where NUL takes two
     * bytes: ids with NULs anywhere and of the greatest length must come back whole, and a freed record as none.
     */
    @Test
    void shouldCarryEveryStorableIdThroughASnapshot() throws IOException
    {
        final String[] ids = {"o", "\u0000", "a\u0000b\u0000", "\u0000".repeat(OrderBook.MAX_ID_LENGTH),
            "z".repeat(OrderBook.MAX_ID_LENGTH), "\u007f~ -"};
        final OrderBook book = new OrderBook(16);
        final int[] orders = new int[ids.length];
        for (int i = 0; i < ids.length; i++)
        {
            assertTrue(OrderBook.storable(ids[i]), ids[i]);
            orders[i] = book.create(ids[i], 1, 0, i, i + 1, 1);
        }
        final int freed = book.create("freed", 1, 0, 99, 99, 1);
        book.status(freed, OrderStatus.SHIPPED);
        book.finished(freed, 0);
        book.evictFinished(1, 0, Integer.MAX_VALUE);
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        book.write(new DataOutputStream(bytes));
        // After the four counts, the ids: exactly the bytes SnapshotIO.writeString gives their Strings.
        final ByteArrayOutputStream expected = new ByteArrayOutputStream();
        final DataOutputStream strings = new DataOutputStream(expected);
        for (int o = 0; o <= freed; o++)
        {
            SnapshotIO.writeString(strings, book.status(o) == OrderStatus.NONE ? null : book.id(o).toString());
        }
        assertArrayEquals(expected.toByteArray(),
            Arrays.copyOfRange(bytes.toByteArray(), 4 * Integer.BYTES, 4 * Integer.BYTES + expected.size()));
        final OrderBook copy = new OrderBook(16);
        copy.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        for (int i = 0; i < ids.length; i++)
        {
            assertEquals(ids[i], copy.id(orders[i]).toString());
            assertEquals(orders[i], copy.find(ids[i]));
        }
        assertEquals(-1, copy.find("freed"));
        assertEquals(book.hash(7), copy.hash(7));
    }

    private static String id(final SplittableRandom random)
    {
        final int n = random.nextInt(3_000);
        final int length = 1 + random.nextInt(OrderBook.MAX_ID_LENGTH);
        final StringBuilder b = new StringBuilder(length).append(n);
        while (b.length() < length)
        {
            b.append((char)('a' + n % 26));
        }
        b.setLength(Math.max(1, Math.min(length, b.length())));
        return b.toString();
    }
}
