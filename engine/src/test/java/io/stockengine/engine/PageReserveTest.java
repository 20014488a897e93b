package io.stockengine.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class PageReserveTest
{
    private static final int SMALL = 1024;
    private static final int LARGE = 4096;
    /** Small enough that every page of the two-taker run can be kept to compare identities. */
    private static final int TINY = 16;

    @Test
    void shouldHandOutZeroedPagesOfTheAskedLengthAndRefill() throws InterruptedException
    {
        try (PageReserve reserve = new PageReserve(2, SMALL, LARGE).start())
        {
            awaitReady(reserve, 4);
            final Set<long[]> seen = Collections.newSetFromMap(new IdentityHashMap<>());
            for (int i = 0; i < 20; i++)
            {
                final int length = i % 2 == 0 ? SMALL : LARGE;
                final long[] page = reserve.take(length);
                assertEquals(length, page.length);
                assertZero(page);
                assertTrue(seen.add(page), "a page was handed out twice");
                page[0] = -1;
                page[length - 1] = -1;
            }
            awaitReady(reserve, 4);
        }
    }

    @Test
    void shouldAllocateALengthItDoesNotKeepAndAfterClose()
    {
        final PageReserve reserve = new PageReserve(1, SMALL).start();
        assertEquals(77, reserve.take(77).length);
        reserve.close();
        for (int i = 0; i < 3; i++)
        {
            final long[] page = reserve.take(SMALL);
            assertEquals(SMALL, page.length);
            assertZero(page);
        }
        assertEquals(SMALL, PageReserve.NONE.take(SMALL).length);
        assertEquals(0, PageReserve.NONE.ready());
    }

    @Test
    void shouldNeverGiveOnePageToTwoTakers() throws InterruptedException
    {
        try (PageReserve reserve = new PageReserve(4, TINY).start())
        {
            final Set<long[]> seen = ConcurrentHashMap.newKeySet();
            final CountDownLatch go = new CountDownLatch(1);
            final boolean[] duplicate = new boolean[2];
            final Thread[] takers = new Thread[2];
            for (int t = 0; t < takers.length; t++)
            {
                final int id = t;
                takers[t] = new Thread(() ->
                {
                    try
                    {
                        go.await();
                    }
                    catch (final InterruptedException ex)
                    {
                        return;
                    }
                    for (int i = 0; i < 20_000; i++)
                    {
                        final long[] page = reserve.take(TINY);
                        if (!seen.add(page) || page[0] != 0)
                        {
                            duplicate[id] = true;
                        }
                        page[0] = id + 1;
                    }
                });
                takers[t].start();
            }
            go.countDown();
            for (final Thread taker : takers)
            {
                taker.join(TimeUnit.MINUTES.toMillis(2));
                assertFalse(taker.isAlive());
            }
            assertFalse(duplicate[0] || duplicate[1], "a page reached two takers, or was written before it was taken");
            assertEquals(40_000, seen.size());
        }
    }

    @Test
    void shouldRefuseNonsense()
    {
        assertThrows(IllegalArgumentException.class, () -> new PageReserve(-1, SMALL));
        assertThrows(IllegalArgumentException.class, () -> new PageReserve(1, 0));
        assertSame(PageReserve.NONE, PageReserve.NONE.start());
    }

    private static void awaitReady(final PageReserve reserve, final int pages) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (reserve.ready() < pages && System.nanoTime() < deadline)
        {
            Thread.sleep(1);
        }
        assertEquals(pages, reserve.ready(), "the filler did not refill the reserve");
    }

    private static void assertZero(final long[] page)
    {
        for (final long value : page)
        {
            if (value != 0)
            {
                throw new AssertionError("a page was not zeroed");
            }
        }
    }
}
