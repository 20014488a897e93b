package io.stockengine.benchmarks.peers;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

import io.stockengine.client.CommandResult;
import io.stockengine.client.Line;
import io.stockengine.client.StockClient;
import io.stockengine.engine.Command;
import io.stockengine.engine.ResultCode;

/**
 * The engine's side of the set-up and of the correctness check, over the binary protocol: many commands pipelined
 * on one connection, a bounded number in flight.
 */
final class EngineCheck
{
    /** Commands in flight at once: enough to fill the client's frames, far below the server's per-connection cap. */
    private static final int WINDOW = 2048;

    private EngineCheck()
    {
    }

    /**
     * Receives {@link Workload#UNITS} of every SKU at the location, the catalogue every system starts from.
     *
     * @return how many receipts were refused (0 when all went in).
     */
    static long loadCatalogue(final StockClient client, final int skus) throws InterruptedException
    {
        final AtomicLong refused = new AtomicLong();
        pipelined(skus, sku -> client.receive("catalogue-" + sku, Workload.skuName(sku), Workload.LOCATION,
            Workload.UNITS, Workload.UNIT_COST, null, false), (sku, result) ->
        {
            if (result == null || !result.isOk())
            {
                refused.incrementAndGet();
            }
        });
        return refused.get();
    }

    /** The sum of {@code reserved} over every SKU at the location, as the engine holds it now. */
    static long sumReserved(final StockClient client, final int skus) throws InterruptedException
    {
        final AtomicLong sum = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        pipelined(skus, sku -> client.queryStockAt(Workload.skuName(sku), Workload.LOCATION), (sku, result) ->
        {
            if (result == null || !result.isOk())
            {
                failed.incrementAndGet();
            }
            else if (result.rowCount() > 0)
            {
                sum.addAndGet(result.value(0, Command.STOCK_RESERVED));
            }
        });
        if (failed.get() > 0)
        {
            throw new IllegalStateException(failed.get() + " stock queries failed");
        }
        return sum.get();
    }

    /**
     * Sends the given reservations again under the same order ids: each must be answered OK and replayed (the
     * engine recognises the id and reserves nothing more).
     *
     * @return how many were not.
     */
    static long repeatOrders(final StockClient client, final long[] ids, final int[] skus)
        throws InterruptedException
    {
        final AtomicLong wrong = new AtomicLong();
        pipelined(ids.length, i -> client.reserve(Workload.orderId(ids[i - 1]), Workload.CHANNEL, 0,
            Line.of(Workload.skuName(skus[i - 1]), Workload.LOCATION, 1)), (i, result) ->
        {
            if (result == null || result.code() != ResultCode.OK || !result.replayed())
            {
                wrong.incrementAndGet();
            }
        });
        return wrong.get();
    }

    /** Issues commands 1..count with at most {@link #WINDOW} in flight and waits for every answer. */
    private static void pipelined(final int count, final IntFunction<CompletableFuture<CommandResult>> command,
        final Answer answer) throws InterruptedException
    {
        final Semaphore window = new Semaphore(WINDOW);
        for (int i = 1; i <= count; i++)
        {
            window.acquire();
            final int n = i;
            command.apply(i).whenComplete((result, failure) ->
            {
                answer.accept(n, failure == null ? result : null);
                window.release();
            });
        }
        window.acquire(WINDOW);
    }

    @FunctionalInterface
    private interface Answer
    {
        void accept(int n, CommandResult result);
    }
}
