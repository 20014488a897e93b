package io.stockengine.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BalancesTest
{
    /**
     * Creates balances at random keys (clustered SKU ids and small location ids, as a catalogue has, plus extreme
     * ids: SKU ids are dense, locations any) from a table sized for 16, through many index growths, against a HashMap; then a snapshot copy must find
     * the same and hash the same, and the read-ahead's hint for a stored key must be a real balance or -1. Once with
     * pages allocated in place, once with pages taken from a running {@link PageReserve}.
     */
    @ParameterizedTest(name = "reserve={0}")
    @ValueSource(booleans = { false, true })
    void shouldFindExactlyTheCreatedBalancesThroughGrowthAndSnapshot(final boolean reserved) throws IOException
    {
        try (PageReserve pages = reserved ? PageReserve.forState().start() : PageReserve.NONE)
        {
            findExactlyTheCreatedBalances(pages);
        }
    }

    private static void findExactlyTheCreatedBalances(final PageReserve pages) throws IOException
    {
        final long seed = Long.getLong("stock.test.seed", System.nanoTime());
        System.out.println("BalancesTest seed=" + seed + " (rerun with -Dstock.test.seed=" + seed + ")");
        final SplittableRandom random = new SplittableRandom(seed);
        final Balances balances = new Balances(16, pages);
        final Map<Long, Integer> created = new HashMap<>();
        for (int step = 0; step < 200_000; step++)
        {
            final int sku = random.nextInt(8) == 0 ? (1 << 20) - random.nextInt(4) : random.nextInt(20_000);
            final int location = random.nextInt(8) == 0 ? Integer.MAX_VALUE - random.nextInt(3) : random.nextInt(12);
            final long key = Balances.key(sku, location);
            final int expected = created.getOrDefault(key, -1);
            assertEquals(expected, balances.find(sku, location), "seed " + seed + " key " + Long.toHexString(key));
            if (expected < 0 && random.nextBoolean())
            {
                final int b = balances.findOrCreate(sku, location);
                assertEquals(created.size(), b, "seed " + seed + ": balances are numbered in creation order");
                created.put(key, b);
                balances.add(b, Balances.SELLABLE, sku % 97);
            }
        }
        assertEquals(created.size(), balances.count());
        for (final Map.Entry<Long, Integer> e : created.entrySet())
        {
            final int sku = (int)(e.getKey() >>> 32);
            final int location = (int)(long)e.getKey();
            assertEquals(e.getValue(), balances.findOrCreate(sku, location), "seed " + seed);
            final int hint = balances.candidate(sku, location);
            assertTrue(hint >= -1 && hint < balances.count(), "seed " + seed + " hint " + hint);
        }

        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes))
        {
            balances.write(out);
        }
        final Balances copy = new Balances(16, pages);
        copy.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        assertEquals(balances.hash(7), copy.hash(7), "seed " + seed);
        for (final Map.Entry<Long, Integer> e : created.entrySet())
        {
            final int sku = (int)(e.getKey() >>> 32);
            final int location = (int)(long)e.getKey();
            assertEquals(e.getValue(), copy.find(sku, location), "seed " + seed);
            assertEquals(sku % 97, copy.get(e.getValue(), Balances.SELLABLE), "seed " + seed);
        }
        assertEquals(-1, copy.find(20_001, 0), "seed " + seed);
    }
}
