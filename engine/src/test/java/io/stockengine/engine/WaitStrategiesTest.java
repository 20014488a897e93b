package io.stockengine.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(60)
class WaitStrategiesTest
{
    /**
     * Every strategy an operator can name carries a burst through all three stages and wakes again after an idle
     * pause (the parking and blocking strategies must be woken by the next publish, not by luck).
     */
    @ParameterizedTest
    @ValueSource(strings = { "sleeping", "parking", "backoff", "blocking", "yielding", "busy-spin" })
    void shouldCarryCommandsThroughThePipeline(final String name) throws Exception
    {
        final PipelineConfig config = new PipelineConfig().ringSize(1024).tickIntervalMillis(0).waitStrategy(name);
        try (EnginePipeline pipeline = new EnginePipeline(config,
            new StockEngine(new EngineConfig(), NoOpEventSink.INSTANCE), JournalStage.NONE).start())
        {
            for (int round = 0; round < 2; round++)
            {
                final List<CompletableFuture<Command>> answers = new ArrayList<>();
                for (int i = 0; i < 1_000; i++)
                {
                    final int n = i;
                    answers.add(pipeline.submit(c ->
                    {
                        c.type = CommandType.RECEIVE;
                        c.sku = "SKU-" + (n % 10);
                        c.location = "WH1";
                        c.quantity = 1;
                        c.amount = 1_000_000;
                    }));
                    if (i % 200 == 199)
                    {
                        answers.get(i).get(10, TimeUnit.SECONDS);
                    }
                }
                for (final CompletableFuture<Command> answer : answers)
                {
                    assertEquals(ResultCode.OK, answer.get(10, TimeUnit.SECONDS).result);
                }
                Thread.sleep(50);
            }
            final Command stock = pipeline.submit(c ->
            {
                c.type = CommandType.QUERY_STOCK_AT;
                c.sku = "SKU-3";
                c.location = "WH1";
            }).get(10, TimeUnit.SECONDS);
            assertEquals(200, stock.rowValues[Command.STOCK_ON_HAND]);
        }
    }

    @Test
    void shouldNameTheChoicesForAnUnknownStrategy()
    {
        final IllegalArgumentException ex =
            assertThrows(IllegalArgumentException.class, () -> WaitStrategies.create("spinning"));
        assertTrue(ex.getMessage().contains("'spinning'") && ex.getMessage().contains("parking"), ex.getMessage());
    }
}
