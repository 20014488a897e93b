package io.stockengine.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(30)
class EnginePipelineTest
{
    private final AtomicLong clock = new AtomicLong(1_700_000_000_000L);

    private EnginePipeline pipeline(final JournalStage journal, final int ringSize, final long tickMillis)
    {
        return pipeline(journal, ringSize, tickMillis, "journal");
    }

    /** @param replyOn "own" (three threads), "journal" (the default two) or "logic" (one thread runs everything) */
    private EnginePipeline pipeline(final JournalStage journal, final int ringSize, final long tickMillis,
        final String replyOn)
    {
        final PipelineConfig config = new PipelineConfig().ringSize(ringSize).tickIntervalMillis(tickMillis)
            .clock(clock::get).replyOnJournalThread(!"own".equals(replyOn))
            .journalOnLogicThread("logic".equals(replyOn));
        return new EnginePipeline(config, new StockEngine(new EngineConfig(), NoOpEventSink.INSTANCE), journal)
            .start();
    }

    private static Command receive(final EnginePipeline pipeline, final String sku, final long quantity)
        throws Exception
    {
        return pipeline.submit(c ->
        {
            c.type = CommandType.RECEIVE;
            c.key = "rcv-" + sku + "-" + quantity;
            c.sku = sku;
            c.location = "WH1";
            c.quantity = quantity;
            c.amount = 2_500_000;
        }).get(5, TimeUnit.SECONDS);
    }

    private static Command stock(final EnginePipeline pipeline, final String sku) throws Exception
    {
        return pipeline.submit(c ->
        {
            c.type = CommandType.QUERY_STOCK_AT;
            c.sku = sku;
            c.location = "WH1";
        }).get(5, TimeUnit.SECONDS);
    }

    @Test
    void shouldApplyCommandsInOrderAndAnswerEachCaller() throws Exception
    {
        try (EnginePipeline pipeline = pipeline(JournalStage.NONE, 64, 0))
        {
            assertEquals(ResultCode.OK, receive(pipeline, "A-1", 10).result);
            final Command reserved = pipeline.submit(c ->
            {
                c.type = CommandType.RESERVE;
                c.orderId = "o-1";
                c.channel = "web";
                c.line("A-1", null, 4);
            }).get(5, TimeUnit.SECONDS);
            assertEquals(ResultCode.OK, reserved.result);
            assertEquals(OrderStatus.RESERVED, reserved.status);
            assertEquals("WH1", reserved.rowLocation[0]);
            assertTrue(reserved.seq > 0);

            final Command row = stock(pipeline, "A-1");
            assertEquals(1, row.rowCount);
            assertEquals(6, row.value(0, Command.STOCK_FIELDS, Command.STOCK_SELLABLE));
            assertEquals(4, row.value(0, Command.STOCK_FIELDS, Command.STOCK_RESERVED));
        }
    }

    @Test
    void shouldExpireReservationsOnClockTicksWithoutOtherTraffic() throws Exception
    {
        try (EnginePipeline pipeline = pipeline(JournalStage.NONE, 64, 5))
        {
            receive(pipeline, "B-1", 5);
            final Command reserved = pipeline.submit(c ->
            {
                c.type = CommandType.RESERVE;
                c.orderId = "o-ttl";
                c.channel = "web";
                c.time = 60_000;
                c.line("B-1", "WH1", 5);
            }).get(5, TimeUnit.SECONDS);
            assertEquals(clock.get() + 60_000, reserved.outTime);
            clock.addAndGet(60_000);
            Command order;
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            do
            {
                Thread.sleep(10);
                // A query is itself traffic, so only look once the ticker has had several chances to expire it.
                order = pipeline.submit(c ->
                {
                    c.type = CommandType.QUERY_ORDER;
                    c.orderId = "o-ttl";
                }).get(5, TimeUnit.SECONDS);
            }
            while (order.status != OrderStatus.EXPIRED && System.nanoTime() < deadline);
            assertEquals(OrderStatus.EXPIRED, order.status);
            assertEquals(5, stock(pipeline, "B-1").value(0, Command.STOCK_FIELDS, Command.STOCK_SELLABLE));
        }
    }

    @Test
    void shouldAnswerOverloadedWhenTheRingIsFullAndApplyNothing() throws Exception
    {
        final CountDownLatch release = new CountDownLatch(1);
        final JournalStage stalled = new AppendOnlyJournalStage()
        {
            @Override
            public void onCommand(final Command command, final boolean endOfBatch) throws Exception
            {
                release.await();
            }
        };
        try (EnginePipeline pipeline = pipeline(stalled, 8, 0))
        {
            final List<CompletableFuture<Command>> accepted = new ArrayList<>();
            Command overloaded = null;
            for (int i = 0; i < 64 && overloaded == null; i++)
            {
                final int n = i;
                final CompletableFuture<Command> future = pipeline.submit(c ->
                {
                    c.type = CommandType.RECEIVE;
                    c.sku = "C-" + n;
                    c.location = "WH1";
                    c.quantity = 1;
                });
                if (future.isDone() && future.get().result == ResultCode.OVERLOADED)
                {
                    overloaded = future.get();
                }
                else
                {
                    accepted.add(future);
                }
            }
            assertTrue(overloaded != null, "a full ring must answer overloaded");
            final String refusedSku = overloaded.sku;
            assertTrue(pipeline.overloads() > 0);
            release.countDown();
            for (final CompletableFuture<Command> future : accepted)
            {
                assertEquals(ResultCode.OK, future.get(5, TimeUnit.SECONDS).result);
            }
            assertEquals(0, stock(pipeline, refusedSku).rowCount, "an overloaded command must change nothing");
        }
    }

    /**
     * The journal appends exactly the events recorded for each command, in every arrangement; when the logic thread
     * runs the journal too, the events go through one buffer of its own, so a slot's buffer never grows.
     */
    @ParameterizedTest
    @ValueSource(strings = { "journal", "own", "logic" })
    void shouldAppendEachCommandsOwnEvents(final String replyOn) throws Exception
    {
        final List<String> appended = new java.util.concurrent.CopyOnWriteArrayList<>();
        final JournalStage journal = new JournalStage()
        {
            private Command target;

            @Override
            public EventSink recorder()
            {
                // Every event is ignored but the key's binding, which records a large event: the key repeated to
                // 3,000 bytes, past the first size of a slot's buffer.
                return (EventSink)java.lang.reflect.Proxy.newProxyInstance(EventSink.class.getClassLoader(),
                    new Class<?>[] { EventSink.class }, (proxy, method, args) ->
                    {
                        if ("keyBound".equals(method.getName()))
                        {
                            final CharSequence key = (CharSequence)args[1];
                            for (int i = 0; i < 3_000; i++)
                            {
                                target.events.putByte(target.eventsLength + i, (byte)key.charAt(i % key.length()));
                            }
                            target.eventsLength += 3_000;
                        }
                        return null;
                    });
            }

            @Override
            public void beforeCommand(final Command command)
            {
                target = command;
            }

            @Override
            public void onCommand(final Command command, final boolean endOfBatch)
            {
                appended.add(command.events.getStringWithoutLengthAscii(0, command.eventsLength));
            }
        };
        final List<Integer> capacities = new java.util.concurrent.CopyOnWriteArrayList<>();
        final PipelineConfig config = new PipelineConfig().ringSize(64).tickIntervalMillis(0).clock(clock::get)
            .replyOnJournalThread(!"own".equals(replyOn)).journalOnLogicThread("logic".equals(replyOn));
        try (EnginePipeline pipeline = new EnginePipeline(config, new StockEngine(new EngineConfig(),
            journal.recorder()), journal).start())
        {
            for (int i = 0; i < 200; i++)
            {
                final String key = "key-" + i + "-";
                final CountDownLatch answered = new CountDownLatch(1);
                while (!pipeline.tryPublish((c, unused) ->
                {
                    c.type = CommandType.RECEIVE;
                    c.key = key;
                    c.sku = "E-1";
                    c.location = "WH1";
                    c.quantity = 1;
                    c.amount = 1;
                    c.callback = done ->
                    {
                        capacities.add(done.events.capacity());
                        answered.countDown();
                    };
                }, null))
                {
                    Thread.onSpinWait();
                }
                assertTrue(answered.await(5, TimeUnit.SECONDS), "command " + i + " answered");
            }
        }
        assertEquals(200, capacities.size());
        assertEquals(200, appended.size());
        for (int i = 0; i < 200; i++)
        {
            assertEquals(("key-" + i + "-").repeat(3_000).substring(0, 3_000), appended.get(i), "command " + i);
        }
        if ("logic".equals(replyOn))
        {
            assertTrue(capacities.stream().allMatch(c -> c < 3_000), "no slot grew a buffer: " + capacities);
        }
    }

    /**
     * The contract of the stages, with the reply on the journal thread, on a thread of its own, or with the journal
     * and the reply on the logic thread: a caller is answered only after the journal's end-of-batch commit covered
     * its command, once, on the thread the arrangement names, and each publisher's answers come in its order.
     */
    @ParameterizedTest
    @ValueSource(strings = { "journal", "own", "logic" })
    void shouldAnswerOnlyCommandsTheJournalHasCommitted(final String replyOn) throws Exception
    {
        final Map<Long, Long> appendedAt = new ConcurrentHashMap<>();
        final AtomicLong appended = new AtomicLong();
        final AtomicLong committed = new AtomicLong();
        final JournalStage journal = new AppendOnlyJournalStage()
        {
            @Override
            public void onCommand(final Command command, final boolean endOfBatch)
            {
                appendedAt.put(command.correlationId, appended.getAndIncrement());
                if (endOfBatch)
                {
                    committed.set(appended.get());
                }
            }
        };
        final int perPublisher = 20_000;
        final AtomicInteger early = new AtomicInteger();
        final AtomicInteger outOfOrder = new AtomicInteger();
        final CountDownLatch answered = new CountDownLatch(2 * perPublisher);
        final Set<String> answeringThreads = ConcurrentHashMap.newKeySet();
        try (EnginePipeline pipeline = pipeline(journal, 1024, 0, replyOn))
        {
            final List<Thread> publishers = new ArrayList<>();
            for (int p = 0; p < 2; p++)
            {
                final long base = (p + 1) * 1_000_000L;
                final long[] last = { base };
                final Thread publisher = new Thread(() ->
                {
                    for (int i = 1; i <= perPublisher; i++)
                    {
                        final long id = base + i;
                        while (!pipeline.tryPublish((c, a) ->
                        {
                            c.type = CommandType.QUERY_STOCK_AT;
                            c.sku = "J-1";
                            c.location = "WH1";
                            c.correlationId = id;
                            c.callback = done ->
                            {
                                answeringThreads.add(Thread.currentThread().getName());
                                final Long at = appendedAt.get(done.correlationId);
                                if (at == null || at >= committed.get())
                                {
                                    early.incrementAndGet();
                                }
                                if (done.correlationId != last[0] + 1)
                                {
                                    outOfOrder.incrementAndGet();
                                }
                                last[0] = done.correlationId;
                                answered.countDown();
                            };
                        }, null))
                        {
                            Thread.onSpinWait();
                        }
                    }
                });
                publishers.add(publisher);
                publisher.start();
            }
            for (final Thread publisher : publishers)
            {
                publisher.join();
            }
            assertTrue(answered.await(20, TimeUnit.SECONDS), "every command answered once");
        }
        assertEquals(0, early.get(), "answers before their commit");
        assertEquals(0, outOfOrder.get(), "answers out of a publisher's order");
        assertEquals(2L * perPublisher, appended.get());
        final String expected = switch (replyOn)
        {
            case "logic" -> "engine-logic";
            case "journal" -> "engine-journal";
            default -> "engine-reply";
        };
        assertEquals(Set.of(expected), answeringThreads);
    }

    @Test
    void shouldRefuseAReplyThreadOfItsOwnWithTheJournalOnTheLogicThread()
    {
        final PipelineConfig config = new PipelineConfig().journalOnLogicThread(true).replyOnJournalThread(false);
        final IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, config::conclude);
        assertTrue(refused.getMessage().startsWith("with the journal on the logic thread the replies are answered " +
            "there too"), refused.getMessage());
    }

    /**
     * The command the journal failed on may be partly on disk (unknown); every later one, reads included, is refused
     * as not applied, and the logic no longer decides anything: the state stays where the failure left it.
     */
    @ParameterizedTest
    @ValueSource(strings = { "journal", "own", "logic" })
    void shouldRefuseToAcknowledgeAnythingAfterTheJournalFails(final String replyOn) throws Exception
    {
        final AtomicInteger appended = new AtomicInteger();
        final AtomicInteger decided = new AtomicInteger();
        final JournalStage failing = new AppendOnlyJournalStage()
        {
            @Override
            public void beforeCommand(final Command command)
            {
                decided.incrementAndGet();
            }

            @Override
            public void onCommand(final Command command, final boolean endOfBatch)
            {
                if (appended.incrementAndGet() == 2)
                {
                    throw new IllegalStateException("disk full");
                }
            }
        };
        try (EnginePipeline pipeline = pipeline(failing, 16, 0, replyOn))
        {
            assertEquals(ResultCode.OK, receive(pipeline, "D-1", 1).result);
            assertEquals(ResultCode.INTERNAL_ERROR, receive(pipeline, "D-1", 2).result);
            final Command refused = receive(pipeline, "D-1", 3);
            assertEquals(ResultCode.UNAVAILABLE, refused.result);
            assertEquals(0, refused.seq);
            final Command read = pipeline.submit(c ->
            {
                c.type = CommandType.QUERY_STOCK_AT;
                c.sku = "D-1";
                c.location = "WH1";
            }).get(10, TimeUnit.SECONDS);
            assertEquals(ResultCode.UNAVAILABLE, read.result);
            assertEquals(0, read.rowCount, "a refused read shows nothing of the state");
            assertTrue(pipeline.journalFailed());
            assertEquals(2, decided.get(), "commands decided by the logic after the failure");
            assertEquals(2, appended.get(), "appends tried after the failure");
            final Command stock = new Command();
            stock.type = CommandType.QUERY_STOCK_AT;
            stock.sku = "D-1";
            stock.location = "WH1";
            pipeline.close();
            pipeline.engine().process(stock);
            assertEquals(3, stock.value(0, Command.STOCK_FIELDS, Command.STOCK_SELLABLE),
                "the state holds the two receipts decided before the failure and nothing after");
        }
    }

    /**
     * A defect that throws before the command changed anything costs that command only. One that throws after some of
     * its events were applied leaves the state ahead of the journal (those events are never journaled, and the next
     * command's would follow a gap that every replay refuses): from then on nothing may be acknowledged, as when the
     * journal fails, and the reason names the events.
     */
    @ParameterizedTest
    @ValueSource(strings = { "journal", "own", "logic" })
    void shouldRefuseEverythingOnceACommandFailsAfterChangingTheState(final String replyOn) throws Exception
    {
        final EventSink throwsOnBoomKey = (EventSink)java.lang.reflect.Proxy.newProxyInstance(
            EventSink.class.getClassLoader(), new Class<?>[] { EventSink.class }, (proxy, method, args) ->
            {
                if (method.getName().equals("keyBound") && args[1].toString().contains("BOOM"))
                {
                    throw new IllegalStateException("a defect after the receipt was applied");
                }
                return null;
            });
        final JournalStage throwsBeforeDeciding = new AppendOnlyJournalStage()
        {
            @Override
            public void beforeCommand(final Command command)
            {
                if ("EARLY".equals(command.sku))
                {
                    throw new IllegalStateException("a defect before anything was decided");
                }
            }

            @Override
            public void onCommand(final Command command, final boolean endOfBatch)
            {
            }
        };
        final PipelineConfig config = new PipelineConfig().ringSize(16).tickIntervalMillis(0).clock(clock::get)
            .replyOnJournalThread(!"own".equals(replyOn)).journalOnLogicThread("logic".equals(replyOn));
        try (EnginePipeline pipeline = new EnginePipeline(config, new StockEngine(new EngineConfig(),
            throwsOnBoomKey), throwsBeforeDeciding).start())
        {
            assertEquals(ResultCode.OK, receive(pipeline, "A-1", 1).result);
            assertEquals(ResultCode.INTERNAL_ERROR, receive(pipeline, "EARLY", 1).result);
            assertFalse(pipeline.journalFailed(), "nothing was applied: the pipeline goes on");
            final Command goesOn = receive(pipeline, "A-1", 2);
            assertEquals(ResultCode.OK, goesOn.result);
            final long lastGood = goesOn.seq;

            final Command half = receive(pipeline, "BOOM", 4);
            assertEquals(ResultCode.INTERNAL_ERROR, half.result);
            assertEquals(0, half.seq, "a failed command shows no seq");
            assertTrue(pipeline.journalFailed());
            final String reason = pipeline.journalError().getMessage();
            assertTrue(reason.contains("failed after applying events " + (lastGood + 1) + " to ") &&
                reason.contains("the state is ahead of the journal"), reason);
            assertEquals(ResultCode.UNAVAILABLE, receive(pipeline, "A-1", 3).result);
            assertEquals(ResultCode.UNAVAILABLE, stock(pipeline, "A-1").result);
            assertEquals(2, pipeline.internalErrors());
        }
    }

    /**
     * A batch is one group commit. When the journal fails on the third command of a batch of four, or in the commit
     * at its end, the two commands appended before the failure are in no durable excerpt either: the whole batch
     * must be answered as failed, not only the command that failed and those after it.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "journal/middle", "own/middle", "logic/middle", "journal/commit", "own/commit",
        "logic/commit" })
    void shouldAnswerTheWholeBatchAsFailedWhenTheJournalFailsInIt(final String arrangement) throws Exception
    {
        final String replyOn = arrangement.substring(0, arrangement.indexOf('/'));
        final boolean inCommit = arrangement.endsWith("/commit");
        final CountDownLatch firstAppended = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicInteger decided = new AtomicInteger();
        final AtomicInteger calls = new AtomicInteger();
        final List<Boolean> batchEnds = java.util.Collections.synchronizedList(new ArrayList<>());
        final JournalStage failing = new AppendOnlyJournalStage()
        {
            @Override
            public void beforeCommand(final Command command)
            {
                decided.incrementAndGet();
            }

            @Override
            public void onCommand(final Command command, final boolean endOfBatch) throws InterruptedException
            {
                final int call = calls.incrementAndGet();
                batchEnds.add(endOfBatch);
                if (call == 1)
                {
                    firstAppended.countDown();
                    release.await();
                }
                if (inCommit ? call == 5 && endOfBatch : call == 4)
                {
                    throw new IllegalStateException("disk full");
                }
            }
        };
        try (EnginePipeline pipeline = pipeline(failing, 16, 0, replyOn))
        {
            final List<CompletableFuture<Command>> answers = new ArrayList<>();
            answers.add(receiveAsync(pipeline, "B-1"));
            assertTrue(firstAppended.await(10, TimeUnit.SECONDS));
            for (int i = 2; i <= 5; i++)
            {
                answers.add(receiveAsync(pipeline, "B-" + i));
            }
            // The four wait as one batch: decided already, or (journal on the logic thread) still in the ring.
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!"logic".equals(replyOn) && decided.get() < 5 && System.nanoTime() < deadline)
            {
                Thread.sleep(1);
            }
            release.countDown();
            final List<Integer> results = new ArrayList<>();
            for (final CompletableFuture<Command> answer : answers)
            {
                final Command answered = answer.get(10, TimeUnit.SECONDS);
                results.add(answered.result);
                if (answered.result != ResultCode.OK)
                {
                    assertEquals(0, answered.seq, "a failed command names no seq the journal may not hold");
                }
            }
            assertEquals(List.of(true, false, false, false), batchEnds.subList(0, 4),
                "the test needs commands 2 to 5 in one batch");
            // Failing in the middle, command 5 never reaches the journal: not applied. Failing in the commit, all
            // four were handed to it, and none is known to be on disk.
            assertEquals(List.of(ResultCode.OK, ResultCode.INTERNAL_ERROR, ResultCode.INTERNAL_ERROR,
                ResultCode.INTERNAL_ERROR, inCommit ? ResultCode.INTERNAL_ERROR : ResultCode.UNAVAILABLE), results,
                "results of commands 1 to 5");
            assertTrue(pipeline.journalFailed());
        }
    }

    private static CompletableFuture<Command> receiveAsync(final EnginePipeline pipeline, final String sku)
    {
        return pipeline.submit(c ->
        {
            c.type = CommandType.RECEIVE;
            c.key = "rcv-" + sku;
            c.sku = sku;
            c.location = "WH1";
            c.quantity = 1;
            c.amount = 2_500_000;
        });
    }

    @Test
    void shouldDrainEveryPublishedCommandOnClose() throws Exception
    {
        final AtomicLong completed = new AtomicLong();
        final EnginePipeline pipeline = pipeline(JournalStage.NONE, 1024, 0);
        int published = 0;
        for (int i = 0; i < 10_000; i++)
        {
            final int n = i;
            if (pipeline.tryPublish((c, arg) ->
            {
                c.type = CommandType.RECEIVE;
                c.sku = "E-" + (n % 100);
                c.location = "WH1";
                c.quantity = 1;
                c.callback = done -> completed.incrementAndGet();
            }, null))
            {
                published++;
            }
        }
        pipeline.close();
        assertEquals(published, completed.get());
        assertFalse(pipeline.journalFailed());
    }

    /**
     * A stop refuses what comes after it and returns only once the stage threads are gone: the journal is closed
     * next, and no stage may still be appending to it.
     */
    @ParameterizedTest
    @ValueSource(strings = { "journal", "own", "logic" })
    void shouldRefuseNewCommandsAndLeaveNoStageRunningOnceClosed(final String replyOn) throws Exception
    {
        final EnginePipeline pipeline = pipeline(JournalStage.NONE, 1024, 0, replyOn);
        assertEquals(ResultCode.OK, receive(pipeline, "S-1", 1).result);
        pipeline.stopAccepting();
        assertFalse(pipeline.tryPublish((c, ignored) ->
        {
            c.type = CommandType.RECEIVE;
            c.sku = "S-1";
            c.location = "WH1";
            c.quantity = 1;
        }, null), "refused once it stopped accepting");
        final List<Thread> stages = pipeline.stageThreads();
        assertFalse(stages.isEmpty());
        pipeline.close();
        for (final Thread stage : stages)
        {
            assertFalse(stage.isAlive(), "a stage thread still runs after close: " + stage.getName());
        }
    }

    @Test
    void shouldApplyNothingWhenAFillerFails() throws Exception
    {
        try (EnginePipeline pipeline = pipeline(JournalStage.NONE, 16, 0))
        {
            final IllegalStateException thrown = org.junit.jupiter.api.Assertions.assertThrows(
                IllegalStateException.class, () -> pipeline.tryPublish((c, ignored) ->
                {
                    c.type = CommandType.RECEIVE;
                    c.sku = "F-1";
                    c.location = "WH1";
                    c.quantity = 5;
                    throw new IllegalStateException("decoder failed half way");
                }, null));
            assertEquals("decoder failed half way", thrown.getMessage());
            assertEquals(0, stock(pipeline, "F-1").rowCount, "a half-filled command must never be applied");
        }
    }
}
