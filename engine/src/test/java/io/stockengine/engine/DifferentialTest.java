package io.stockengine.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

/**
 * Runs {@link StockEngine} and {@link ReferenceModel} side by side on seeded random command streams and compares every
 * output of every command, the number of events, the reference model's invariants after every step and, every so
 * often, the whole state through queries. A failure names the seed and the step; rerun one seed with
 * {@code -Dstock.diff.seed=<seed>}.
 */
class DifferentialTest
{
    private static final long TOTAL_COMMANDS = Long.getLong("stock.diff.commands", 1_000_000L);
    private static final Long ONE_SEED = Long.getLong("stock.diff.seed");
    private static final long BASE_SEED = 0x5EED_2026_1121L;
    private static final int SEEDS = 8;
    private static final int STATE_COMPARE_EVERY = 2_000;
    private static final int FULL_COMPARE_EVERY = 25_000;
    private static final int RECENT_IDS = 5_000;
    private static final long DAY = 86_400_000L;

    @Test
    void shouldMatchReferenceModelOnRandomCommandStreams()
    {
        final long[] seeds;
        if (ONE_SEED != null)
        {
            seeds = new long[] { ONE_SEED };
        }
        else
        {
            final SplittableRandom random = new SplittableRandom(BASE_SEED);
            seeds = new long[SEEDS];
            for (int i = 0; i < SEEDS; i++)
            {
                // The low two bits pick the engine configuration (see Run), so every configuration gets seeds.
                seeds[i] = (random.nextLong() & ~3L) | (i & 3);
            }
        }
        final long perSeed = Math.max(1, TOTAL_COMMANDS / seeds.length);
        System.out.println("DifferentialTest: " + perSeed + " commands for each seed of " + Arrays.toString(seeds));
        final Map<String, Long> outcomes = new TreeMap<>();
        for (final long seed : seeds)
        {
            new Run(seed, perSeed, outcomes).run();
        }
        System.out.println("DifferentialTest outcomes (type/result[/replayed] and event kinds): " + outcomes);
        for (int type = 0; type < CommandType.COUNT_OF_TYPES; type++)
        {
            assertTrue(outcomes.containsKey(CommandType.name(type) + "/OK"), "no successful " + CommandType.name(type));
        }
    }

    @Test
    void shouldProduceSameStateHashForSameCommandStream()
    {
        final long seed = ONE_SEED != null ? ONE_SEED : BASE_SEED;
        final int length = (int)Math.min(60_000, Math.max(2_000, TOTAL_COMMANDS / 20));
        System.out.println("DifferentialTest determinism: seed=" + seed + ", " + length + " commands");
        final List<Command> stream = CommandGenerator.stream(seed, length);
        final StockEngine first = new StockEngine(
            new EngineConfig().dedupWindowMillis(30_000).dedupCapacity(5_000), new RecordingEventSink());
        final StockEngine second = new StockEngine(
            new EngineConfig().dedupWindowMillis(30_000).dedupCapacity(5_000), NoOpEventSink.INSTANCE);
        final long initial = first.stateHash();
        final Command a = new Command();
        final Command b = new Command();
        for (int i = 0; i < stream.size(); i++)
        {
            a.copyInputsFrom(stream.get(i));
            b.copyInputsFrom(stream.get(i));
            first.process(a);
            second.process(b);
            // The hash walks the whole state, so it is compared every so often rather than every step.
            if (a.result != b.result || a.seq != b.seq || (i % 997 == 0 && first.stateHash() != second.stateHash()))
            {
                fail("seed=" + seed + " step=" + i + " command=" + CommandGenerator.describe(stream.get(i)) +
                    ": two engines fed the same stream diverged (result " + a.result + "/" + b.result + ", seq " +
                    a.seq + "/" + b.seq + ")");
            }
        }
        assertEquals(first.stateHash(), second.stateHash(), "seed=" + seed + ": state hash after the same stream");
        assertNotEquals(initial, first.stateHash(), "seed=" + seed + ": the stream changed nothing");
    }

    /** One seed: a fresh engine and reference model, a generator, and the comparisons. */
    private static final class Run
    {
        private final long seed;
        private final long commands;
        private final RecordingEventSink sink = new RecordingEventSink();
        private final StockEngine engine;
        private final ReferenceModel model;
        private final CommandGenerator generator;
        private final Command input = new Command();
        private final Command engineSlot = new Command();
        private final Command modelSlot = new Command();
        private final Command query = new Command();
        /** The last commands, as a ring of slots described only when a failure needs them. */
        private final Command[] history = new Command[12];
        private final Map<String, Long> outcomes;
        private long step;

        Run(final long seed, final long commands, final Map<String, Long> outcomes)
        {
            this.seed = seed;
            this.commands = commands;
            this.outcomes = outcomes;
            // Short windows and small capacities make key and finished-order eviction happen within one run.
            final int variant = (int)Math.floorMod(seed, 4L);
            final long window = variant == 1 ? 30_000 : variant == 3 ? 5_000 : 7 * DAY;
            final int capacity = variant == 2 ? 64 : variant == 3 ? 500 : 10_000_000;
            final int finishedOrders = variant == 2 ? 40 : 10_000_000;
            engine = new StockEngine(new EngineConfig().dedupWindowMillis(window).dedupCapacity(capacity)
                .finishedOrderCapacity(finishedOrders), sink);
            model = new ReferenceModel(window, capacity, finishedOrders);
            generator = new CommandGenerator(seed, model);
        }

        void run()
        {
            for (long i = 0; i < commands; i++)
            {
                generator.next(input);
                step(input);
                if ((i + 1) % STATE_COMPARE_EVERY == 0)
                {
                    compareState((i + 1) % FULL_COMPARE_EVERY == 0 ? RECENT_IDS : 0);
                }
            }
            compareState(Integer.MAX_VALUE);
        }

        private void step(final Command c)
        {
            step++;
            final int slot = (int)(step % history.length);
            if (history[slot] == null)
            {
                history[slot] = new Command();
            }
            history[slot].copyInputsFrom(c);
            engineSlot.copyInputsFrom(c);
            modelSlot.copyInputsFrom(c);
            sink.clear();
            try
            {
                engine.process(engineSlot);
                model.process(modelSlot);
            }
            catch (final RuntimeException ex)
            {
                failWith("threw " + ex, ex);
            }
            compareOutputs(engineSlot, modelSlot);
            outcomes.merge(CommandType.name(c.type) + "/" + ResultCode.name(modelSlot.result) +
                (modelSlot.replayed ? "/replayed" : "") + (modelSlot.field != null ? "/" + modelSlot.field : ""), 1L,
                Long::sum);
            for (final String event : model.commandEvents())
            {
                outcomes.merge("event:" + event, 1L, Long::sum);
            }
            if (sink.gap() != null)
            {
                failWith("journal seq is not gap-free: " + sink.gap());
            }
            if (sink.lastSeq() != model.seq() || !sink.events().equals(model.commandEvents()))
            {
                failWith("events differ: engine's last seq " + sink.lastSeq() + ", reference's " + model.seq());
            }
            final String broken = model.checkInvariants(model.touchedSkus());
            if (broken != null)
            {
                failWith("reference model invariant: " + broken);
            }
        }

        /**
         * Every SKU through QUERY_STOCK, every open order through QUERY_ORDER and, when {@code ids} > 0, the last
         * {@code ids} order and transfer ids used and every channel.
         */
        private void compareState(final int ids)
        {
            final String broken = model.checkInvariants(null);
            if (broken != null)
            {
                failWith("reference model invariant: " + broken);
            }
            for (final String sku : CommandGenerator.universe())
            {
                query.reset();
                query.type = CommandType.QUERY_STOCK;
                query.sku = sku;
                queryNow();
                query.reset();
                query.type = CommandType.QUERY_KIT;
                query.sku = sku;
                queryNow();
            }
            final List<String> orderIds = new ArrayList<>();
            model.openOrders().forEach(o -> orderIds.add(o.id));
            if (ids > 0)
            {
                orderIds.addAll(last(new ArrayList<>(generator.usedOrderIds()), ids));
                for (final String transfer : last(generator.transferIds(), ids))
                {
                    query.reset();
                    query.type = CommandType.QUERY_TRANSFER;
                    query.reference = transfer;
                    queryNow();
                }
                final List<String> channels = new ArrayList<>(List.of(CommandGenerator.CHANNELS));
                channels.addAll(List.of("app", "app0", "app1", "app2", "nowhere"));
                for (final String channel : channels)
                {
                    query.reset();
                    query.type = CommandType.QUERY_CHANNEL;
                    query.channel = channel;
                    queryNow();
                }
            }
            for (final String id : orderIds)
            {
                query.reset();
                query.type = CommandType.QUERY_ORDER;
                query.orderId = id;
                queryNow();
            }
        }

        private static List<String> last(final List<String> all, final int count)
        {
            return all.subList(Math.max(0, all.size() - count), all.size());
        }

        private void queryNow()
        {
            query.timestamp = model.now();
            step(query);
        }

        private void compareOutputs(final Command e, final Command r)
        {
            check("result", ResultCode.name(e.result), ResultCode.name(r.result));
            check("replayed", e.replayed, r.replayed);
            check("seq", e.seq, r.seq);
            check("field", e.field, r.field);
            check("status", e.status, r.status);
            check("outTime", e.outTime, r.outTime);
            check("outName", e.outName, r.outName);
            check("outName2", e.outName2, r.outName2);
            check("outName3", e.outName3, r.outName3);
            check("rowCount", e.rowCount, r.rowCount);
            final int stride = stride(r);
            for (int row = 0; row < r.rowCount; row++)
            {
                check("rowSku[" + row + "]", e.rowSku[row], r.rowSku[row]);
                check("rowLocation[" + row + "]", e.rowLocation[row], r.rowLocation[row]);
                for (int f = 0; f < stride; f++)
                {
                    check("rowValues[" + row + "][" + f + "]", e.rowValues[row * stride + f],
                        r.rowValues[row * stride + f]);
                }
            }
            if (r.type == CommandType.QUERY_AVAILABILITY || r.type == CommandType.QUERY_CHANNEL)
            {
                for (int i = 0, n = r.type == CommandType.QUERY_CHANNEL ? r.rowCount : r.lineCount; i < n; i++)
                {
                    check("itemTotals[" + i + "]", e.itemTotals[i], r.itemTotals[i]);
                }
            }
        }

        private static int stride(final Command c)
        {
            if (c.result == ResultCode.INSUFFICIENT_STOCK)
            {
                return Command.SHORTFALL_FIELDS;
            }
            return switch (c.type)
            {
                case CommandType.RESERVE, CommandType.PICK, CommandType.SHIP, CommandType.CANCEL, CommandType.RETURN,
                    CommandType.QUERY_ORDER -> Command.LINE_FIELDS;
                case CommandType.QUERY_STOCK, CommandType.QUERY_STOCK_AT -> Command.STOCK_FIELDS;
                case CommandType.QUERY_AVAILABILITY -> Command.AVAILABILITY_FIELDS;
                case CommandType.TRANSFER_OUT, CommandType.TRANSFER_IN, CommandType.QUERY_TRANSFER ->
                    Command.TRANSFER_FIELDS;
                default -> 1;
            };
        }

        private void check(final String what, final Object engineValue, final Object referenceValue)
        {
            if (!Objects.equals(engineValue, referenceValue))
            {
                failWith(what + " differs: engine=" + engineValue + " reference=" + referenceValue);
            }
        }

        private void failWith(final String what)
        {
            failWith(what, null);
        }

        private void failWith(final String what, final Throwable cause)
        {
            final List<String> recent = new ArrayList<>();
            for (long s = Math.max(1, step - history.length + 1); s <= step; s++)
            {
                recent.add(CommandGenerator.describe(history[(int)(s % history.length)]));
            }
            fail("seed=" + seed + " step=" + step + " command=" + recent.get(recent.size() - 1) + ": " + what +
                "\n  engine events:    " + sink.details() +
                "\n  reference events: " + model.commandEvents() +
                "\n  engine outputs:    " + outputs(engineSlot) +
                "\n  reference outputs: " + outputs(modelSlot) +
                "\n  recent commands:\n    " + String.join("\n    ", recent), cause);
        }

        private static String outputs(final Command c)
        {
            final StringBuilder s = new StringBuilder(ResultCode.name(c.result));
            s.append(" replayed=").append(c.replayed).append(" seq=").append(c.seq).append(" field=").append(c.field)
                .append(" status=").append(c.status).append(" outTime=").append(c.outTime).append(" outName=")
                .append(c.outName).append(" rows=[");
            final int stride = stride(c);
            for (int row = 0; row < c.rowCount; row++)
            {
                s.append(row == 0 ? "" : "; ").append(c.rowSku[row]).append('@').append(c.rowLocation[row])
                    .append(' ').append(Arrays.toString(Arrays.copyOfRange(c.rowValues, row * stride, row * stride + stride)));
            }
            return s.append(']').toString();
        }
    }
}
