package io.stockengine.engine;

import java.io.PrintStream;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A short in-process session against the pipeline: stock arrives, a channel reserves, the warehouse picks and
 * ships, an order is refused for lack of stock. Stands in for the server until the gateway exists.
 */
public final class Demo
{
    private final EnginePipeline pipeline;
    private final PrintStream out;

    private Demo(final EnginePipeline pipeline, final PrintStream out)
    {
        this.pipeline = pipeline;
        this.out = out;
    }

    public static void main(final String[] args) throws Exception
    {
        try (EnginePipeline pipeline = new EnginePipeline(new PipelineConfig(),
            new StockEngine(new EngineConfig(), NoOpEventSink.INSTANCE), JournalStage.NONE).start())
        {
            new Demo(pipeline, System.out).run();
        }
    }

    private Command send(final String what, final Consumer<Command> filler) throws Exception
    {
        final Command c = pipeline.submit(filler).get(5, TimeUnit.SECONDS);
        out.printf("%-44s -> %s%s%n", what, ResultCode.name(c.result), c.seq > 0 ? " seq=" + c.seq : "");
        return c;
    }

    private void printStock(final String sku) throws Exception
    {
        final Command c = pipeline.submit(q ->
        {
            q.type = CommandType.QUERY_STOCK;
            q.sku = sku;
        }).get(5, TimeUnit.SECONDS);
        for (int row = 0; row < c.rowCount; row++)
        {
            out.printf("    %s @ %-4s on_hand=%d available=%d reserved=%d picked=%d%n", sku, c.rowLocation[row],
                c.value(row, Command.STOCK_FIELDS, Command.STOCK_ON_HAND),
                c.value(row, Command.STOCK_FIELDS, Command.STOCK_AVAILABLE),
                c.value(row, Command.STOCK_FIELDS, Command.STOCK_RESERVED),
                c.value(row, Command.STOCK_FIELDS, Command.STOCK_PICKED));
        }
    }

    private void run() throws Exception
    {
        out.println("stock engine demo (in-process pipeline, no journal yet)");
        send("receive 10 x A-1 at WH1", c ->
        {
            c.type = CommandType.RECEIVE;
            c.key = "demo-receipt-1";
            c.sku = "A-1";
            c.location = "WH1";
            c.quantity = 10;
            c.amount = 12_500_000;
        });
        send("receive 3 x A-1 at STORE-7", c ->
        {
            c.type = CommandType.RECEIVE;
            c.key = "demo-receipt-2";
            c.sku = "A-1";
            c.location = "STORE-7";
            c.quantity = 3;
            c.amount = 12_500_000;
        });
        printStock("A-1");
        final Command order = send("reserve order o-1: 4 x A-1 (web, sourced)", c ->
        {
            c.type = CommandType.RESERVE;
            c.orderId = "o-1";
            c.channel = "web";
            c.time = TimeUnit.MINUTES.toMillis(15);
            c.line("A-1", null, 4);
        });
        out.printf("    o-1 %s from %s%n", OrderStatus.name(order.status), order.rowLocation[0]);
        send("retry reserve o-1 (same payload)", c ->
        {
            c.type = CommandType.RESERVE;
            c.orderId = "o-1";
            c.channel = "web";
            c.time = TimeUnit.MINUTES.toMillis(15);
            c.line("A-1", null, 4);
        });
        send("pick o-1", c ->
        {
            c.type = CommandType.PICK;
            c.orderId = "o-1";
        });
        printStock("A-1");
        send("ship o-1", c ->
        {
            c.type = CommandType.SHIP;
            c.orderId = "o-1";
        });
        final Command refused = send("reserve o-2: 20 x A-1 at WH1", c ->
        {
            c.type = CommandType.RESERVE;
            c.orderId = "o-2";
            c.channel = "web";
            c.line("A-1", "WH1", 20);
        });
        out.printf("    shortfall: requested %d, available %d%n",
            refused.value(0, Command.SHORTFALL_FIELDS, Command.SHORTFALL_REQUESTED),
            refused.value(0, Command.SHORTFALL_FIELDS, Command.SHORTFALL_AVAILABLE));
        printStock("A-1");
    }
}
