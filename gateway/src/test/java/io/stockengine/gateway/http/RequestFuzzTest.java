package io.stockengine.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.stockengine.engine.EnginePipeline;
import io.stockengine.gateway.GatewayConfig;

/**
 * Seeded mutation fuzzing of the JSON request parsing over a real connection: valid bodies of every POST and PUT
 * route, mutated structurally (type swaps, huge numbers, dropped, duplicated and unknown members, deep nesting,
 * odd strings) and as bytes (flips, truncation, inserted unicode). Every answer must be a well-formed 2xx or 4xx,
 * never a 5xx; the connection stays usable; the engine never sees a command it fails on; nothing leaks.
 * {@code -Dstock.fuzz.iterations=N} runs longer, {@code -Dstock.fuzz.seed=S} replays a run.
 */
@Timeout(600)
class RequestFuzzTest
{
    private static final int ITERATIONS = Integer.getInteger("stock.fuzz.iterations", 2000);
    private static final long SEED = Long.getLong("stock.fuzz.seed", System.nanoTime());
    private static final int BODY_LIMIT = 64 * 1024;
    private static final Set<Integer> EXPECTED = Set.of(200, 201, 400, 404, 409, 413, 422);

    /** A valid request to start from: method, path, body, and whether it takes an Idempotency-Key. */
    private record Seed(String method, String path, String body, boolean keyed)
    {
    }

    private static final List<Seed> SEEDS = List.of(
        new Seed("PUT", "/v1/orders/fz-new", "{'channel':'web','ttl_seconds':900,'lines':[{'sku':'FZ-1','quantity':1," +
            "'location':'FZ-A'},{'sku':'FZ-2','quantity':1}]}", false),
        new Seed("POST", "/v1/orders/fz-open/pick", "{'lines':[{'sku':'FZ-1','location':'FZ-A','quantity':1}]}", true),
        new Seed("POST", "/v1/orders/fz-open/ship", "{'lines':[{'sku':'FZ-1','quantity':1}]}", true),
        new Seed("POST", "/v1/orders/fz-open/cancel", "{'lines':[{'sku':'FZ-1','quantity':1}]}", true),
        new Seed("POST", "/v1/orders/fz-open/returns", "{'lines':[{'sku':'FZ-1','quantity':1}],'inspect':true}", true),
        new Seed("POST", "/v1/sales", "{'channel':'pos','location':'FZ-A','lines':[{'sku':'FZ-1','quantity':1}]}",
            true),
        new Seed("POST", "/v1/receipts", "{'sku':'FZ-1','location':'FZ-A','quantity':5,'unit_cost':'2.50'," +
            "'purchase_order':'fz-po','inspect':false}", true),
        new Seed("POST", "/v1/inspections", "{'sku':'FZ-1','location':'FZ-A','passed':1,'failed':0}", true),
        new Seed("POST", "/v1/moves", "{'sku':'FZ-1','location':'FZ-A','quantity':1,'from':'sellable'," +
            "'to':'damaged','reason':'damage'}", true),
        new Seed("POST", "/v1/adjustments", "{'sku':'FZ-1','location':'FZ-A','delta':-1,'reason':'lost'," +
            "'bucket':'sellable'}", true),
        new Seed("POST", "/v1/counts", "{'sku':'FZ-2','location':'FZ-A','counted':7,'expected':7}", true),
        new Seed("POST", "/v1/incoming", "{'purchase_order':'fz-po','sku':'FZ-1','location':'FZ-A','quantity':3," +
            "'expected_at':'2026-12-01T10:00:00Z','unit_cost':'1.25'}", true),
        new Seed("POST", "/v1/transfers", "{'transfer_id':'fz-t','sku':'FZ-1','from':'FZ-A','to':'FZ-B'," +
            "'quantity':1}", true),
        new Seed("POST", "/v1/transfers/fz-open-t/receive", "{'quantity':1,'inspect':false}", true),
        new Seed("PUT", "/v1/stock/FZ-1/FZ-A/safety-stock", "{'quantity':1}", false),
        new Seed("PUT", "/v1/channels/fz-web", "{'buffer':1,'locations':['FZ-A','FZ-B'],'allocations':" +
            "[{'sku':'FZ-1','location':'FZ-A','quantity':1}]}", false),
        new Seed("PUT", "/v1/kits/FZ-KIT", "{'components':[{'sku':'FZ-3','quantity':2}]}", false));

    @TempDir
    static Path dataDir;
    static TestServer server;

    @BeforeAll
    static void start()
    {
        LeakWatch.install();
        System.out.println("RequestFuzzTest seed=" + SEED + " iterations=" + ITERATIONS +
            " (replay with -Dstock.fuzz.seed=" + SEED + ")");
        final GatewayConfig config = TestServer.config(dataDir);
        config.maxBodyBytes = BODY_LIMIT;
        server = TestServer.start(config);
        server.receive("FZ-1", "FZ-A", 1_000_000);
        server.receive("FZ-2", "FZ-A", 1_000_000);
        server.put("/v1/orders/fz-open", "{'channel':'web','lines':[{'sku':'FZ-1','quantity':100000}]}")
            .assertOk(201);
        server.post("/v1/transfers", "{'transfer_id':'fz-open-t','sku':'FZ-2','from':'FZ-A','to':'FZ-B'," +
            "'quantity':100000}", "fz-open-t").assertOk(201);
    }

    @AfterAll
    static void stop()
    {
        server.close();
        LeakWatch.assertNoLeaks();
    }

    @Test
    void shouldAnswerEveryMutatedRequestWithA2xxOr4xx()
    {
        final Random random = new Random(SEED);
        final Mutator mutator = new Mutator(random);
        final int[] byStatus = new int[600];
        RawHttp raw = server.raw();
        try
        {
            for (int i = 0; i < ITERATIONS; i++)
            {
                final Seed seed = SEEDS.get(random.nextInt(SEEDS.size()));
                // Fresh order and transfer ids, so valid requests keep succeeding rather than conflicting.
                final byte[] body = mutator.body(Json.q(seed.body().replace("'fz-t'", "'fz-t" + i + "'")));
                final String path = seed.path().replace("fz-new", "fz-new" + i);
                final String key = mutator.key(seed.keyed(), i);
                final String request = RawHttp.bytes(seed.method(), path,
                    new String(body, StandardCharsets.ISO_8859_1), key == null ? new String[0] :
                        new String[] { "Idempotency-Key", key });
                final Reply reply = raw.exchange(request);
                final String context = "seed=" + SEED + " iteration=" + i + " " + seed.method() + " " + path +
                    " key=" + key + " body=" + new String(body, StandardCharsets.UTF_8);
                assertNotNull(reply, () -> "no answer: " + context);
                assertTrue(EXPECTED.contains(reply.status()), () -> reply.status() + " " + reply.body() + ": " +
                    context);
                assertWellFormed(reply, context);
                byStatus[reply.status()]++;
                if (reply.status() == 413 || "close".equals(reply.header("connection")))
                {
                    assertTrue(body.length > BODY_LIMIT, () -> "closed without cause: " + context);
                    raw.close();
                    raw = server.raw();
                }
            }
            assertEquals(200, raw.exchange(RawHttp.request("GET", "/health", null)).status(), "seed=" + SEED);
        }
        finally
        {
            raw.close();
        }
        if (ITERATIONS >= 500)
        {
            // Not degenerate: the mutations reach the engine as well as the validation.
            assertTrue(byStatus[200] + byStatus[201] > 0 && byStatus[400] > 0 && byStatus[409] + byStatus[404] > 0,
                () -> "answers by status: 2xx " + (byStatus[200] + byStatus[201]) + ", 400 " + byStatus[400] +
                    ", 404/409 " + (byStatus[404] + byStatus[409]) + ", seed=" + SEED);
        }
        final EnginePipeline pipeline = server.server.engine().pipeline();
        assertEquals(0, pipeline.internalErrors(), () -> "the engine failed on a command the gateway let through: " +
            pipeline.lastError() + ", seed=" + SEED);
        assertEquals(0, pipeline.replyErrors(), () -> "rendering an answer failed: " + pipeline.lastError() +
            ", seed=" + SEED);
    }

    private static void assertWellFormed(final Reply reply, final String context)
    {
        final Map<String, Object> json;
        try
        {
            json = reply.json();
        }
        catch (final RuntimeException ex)
        {
            fail("not a JSON object: " + reply.body() + ": " + context, ex);
            return;
        }
        if (reply.status() >= 400)
        {
            assertEquals("application/problem+json", reply.header("content-type"), context);
            assertEquals((long)reply.status(), json.get("status"), context);
            assertTrue(json.get("code") instanceof String && json.get("detail") instanceof String, context);
            if (reply.status() == 400)
            {
                assertTrue(json.get("field") instanceof String, () -> "a 400 names its field: " + context);
            }
        }
        else
        {
            assertEquals("application/json", reply.header("content-type"), context);
            assertTrue(json.get("seq") instanceof Long, () -> "a success carries its seq: " + context);
        }
    }

    /** Mutations of a valid JSON body, structural and byte-level, all from one seeded random source. */
    private static final class Mutator
    {
        private static final String[] STRINGS = { "", ".", "..", "FZ-1", "FZ-A", "web", "a".repeat(65),
            "L".repeat(33), "sellable", "reserved", "damaged", "quality_control", "lost", "write_off", "regrade",
            "2026-12-01", "2026-02-30", "1969-12-31T23:59:59Z", "+999999999-12-31T23:59:59Z", "1.1234567", "-1",
            "12.50", "1e3", "\u0000", "\ud800", "\uffff", "\u00e9\u4e2d\ud83d\ude00", "A/B", "A B", "%41", "null",
            "true" };
        private static final String[] NUMBERS = { "0", "-0", "1", "-1", "2", "7", "1000000000", "1000000001",
            "-1000000000", "-1000000001", "31536000", "31536001", "9223372036854775807", "9223372036854775808",
            "-9223372036854775808", "-9223372036854775809", "18446744073709551616", "1" + "0".repeat(39),
            "1" + "0".repeat(60), "1.0", "1.5", "1e3", "1E-7", "1e400", "-0.0", "0.000001" };
        private static final String[] NAMES = { "sku", "location", "quantity", "channel", "lines", "inspect",
            "unit_cost", "purchase_order", "passed", "failed", "from", "to", "reason", "bucket", "delta", "counted",
            "expected", "expected_at", "transfer_id", "buffer", "locations", "allocations", "components",
            "ttl_seconds", "colour", "", "\u00e9", "SKU" };

        private final Random random;

        Mutator(final Random random)
        {
            this.random = random;
        }

        byte[] body(final String valid)
        {
            final int kind = random.nextInt(10);
            if (kind == 0)
            {
                // Some requests stay valid, so the engine sees traffic and the fuzz also covers successes.
                return valid.getBytes(StandardCharsets.UTF_8);
            }
            if (kind <= 3)
            {
                return structural(valid).getBytes(StandardCharsets.UTF_8);
            }
            if (kind <= 5)
            {
                return bytes(structural(valid).getBytes(StandardCharsets.UTF_8));
            }
            return bytes(valid.getBytes(StandardCharsets.UTF_8));
        }

        String key(final boolean keyed, final int iteration)
        {
            final int kind = random.nextInt(20);
            if (kind == 0)
            {
                return null;
            }
            if (kind == 1)
            {
                return "k".repeat(65);
            }
            if (kind == 2)
            {
                return "..";
            }
            if (kind == 3)
            {
                // Reused: a replay or a conflict, both fine.
                return "fz-k" + random.nextInt(10);
            }
            return keyed || random.nextBoolean() ? "fz-k-" + iteration : null;
        }

        private String structural(final String valid)
        {
            final StringBuilder out = new StringBuilder();
            emit(Json.parse(valid), out, 0);
            return out.toString();
        }

        @SuppressWarnings("unchecked")
        private void emit(final Object node, final StringBuilder out, final int depth)
        {
            if (random.nextInt(8) == 0)
            {
                randomValue(out, depth);
                return;
            }
            if (random.nextInt(40) == 0)
            {
                final int levels = 1 + random.nextInt(random.nextBoolean() ? 10 : 300);
                out.append("[".repeat(levels));
                emit(node, out, depth + levels);
                out.append("]".repeat(levels));
                return;
            }
            if (node instanceof Map)
            {
                out.append('{');
                boolean first = true;
                for (final Map.Entry<String, Object> member : ((Map<String, Object>)node).entrySet())
                {
                    final int copies = random.nextInt(12) == 0 ? 0 : random.nextInt(12) == 0 ? 2 : 1;
                    for (int c = 0; c < copies; c++)
                    {
                        first = separator(out, first);
                        string(random.nextInt(30) == 0 ? NAMES[random.nextInt(NAMES.length)] : member.getKey(), out);
                        out.append(':');
                        emit(member.getValue(), out, depth + 1);
                    }
                }
                if (random.nextInt(10) == 0)
                {
                    first = separator(out, first);
                    string(NAMES[random.nextInt(NAMES.length)], out);
                    out.append(':');
                    randomValue(out, depth + 1);
                }
                out.append('}');
            }
            else if (node instanceof List)
            {
                out.append('[');
                boolean first = true;
                for (final Object element : (List<Object>)node)
                {
                    final int copies = random.nextInt(10) == 0 ? 0 : random.nextInt(10) == 0 ? 1 + random.nextInt(
                        random.nextInt(20) == 0 ? 1200 : 3) : 1;
                    for (int c = 0; c < copies; c++)
                    {
                        first = separator(out, first);
                        emit(element, out, depth + 1);
                    }
                }
                out.append(']');
            }
            else if (node instanceof String)
            {
                string(random.nextInt(6) == 0 ? STRINGS[random.nextInt(STRINGS.length)] : (String)node, out);
            }
            else if (node instanceof Long)
            {
                out.append(random.nextInt(4) == 0 ? NUMBERS[random.nextInt(NUMBERS.length)] : node.toString());
            }
            else
            {
                out.append(node);
            }
        }

        private static boolean separator(final StringBuilder out, final boolean first)
        {
            if (!first)
            {
                out.append(',');
            }
            return false;
        }

        private void randomValue(final StringBuilder out, final int depth)
        {
            switch (random.nextInt(depth > 6 ? 5 : 7))
            {
                case 0 -> out.append("null");
                case 1 -> out.append(random.nextBoolean());
                case 2 -> out.append(NUMBERS[random.nextInt(NUMBERS.length)]);
                case 3 -> string(STRINGS[random.nextInt(STRINGS.length)], out);
                case 4 -> string(randomUnicode(1 + random.nextInt(8)), out);
                case 5 ->
                {
                    out.append('[');
                    final int size = random.nextInt(4);
                    for (int i = 0; i < size; i++)
                    {
                        separator(out, i == 0);
                        randomValue(out, depth + 1);
                    }
                    out.append(']');
                }
                default ->
                {
                    out.append('{');
                    final int size = random.nextInt(4);
                    for (int i = 0; i < size; i++)
                    {
                        separator(out, i == 0);
                        string(NAMES[random.nextInt(NAMES.length)], out);
                        out.append(':');
                        randomValue(out, depth + 1);
                    }
                    out.append('}');
                }
            }
        }

        private String randomUnicode(final int length)
        {
            final StringBuilder text = new StringBuilder();
            for (int i = 0; i < length; i++)
            {
                final int codePoint = switch (random.nextInt(4))
                {
                    case 0 -> random.nextInt(0x20);
                    case 1 -> 0x20 + random.nextInt(0x5f);
                    case 2 -> 0x80 + random.nextInt(0xd800 - 0x80);
                    default -> 0x10000 + random.nextInt(0x10ffff - 0x10000);
                };
                text.appendCodePoint(codePoint);
            }
            return text.toString();
        }

        /** A JSON string literal, escaped so the structure stays intact; lone surrogates go out as escapes. */
        private static void string(final String value, final StringBuilder out)
        {
            out.append('"');
            for (int i = 0; i < value.length(); i++)
            {
                final char c = value.charAt(i);
                if (c == '"' || c == '\\')
                {
                    out.append('\\').append(c);
                }
                else if (c < 0x20 || Character.isSurrogate(c) && !validPair(value, i))
                {
                    out.append(String.format("\\u%04x", (int)c));
                }
                else
                {
                    out.append(c);
                    if (Character.isHighSurrogate(c))
                    {
                        out.append(value.charAt(++i));
                    }
                }
            }
            out.append('"');
        }

        private static boolean validPair(final String value, final int i)
        {
            return Character.isHighSurrogate(value.charAt(i)) && i + 1 < value.length() &&
                Character.isLowSurrogate(value.charAt(i + 1));
        }

        /** Byte-level damage: flips, truncation, inserted bytes of random unicode or none at all. */
        private byte[] bytes(final byte[] input)
        {
            byte[] bytes = input.clone();
            final int damage = 1 + random.nextInt(3);
            for (int d = 0; d < damage && bytes.length > 0; d++)
            {
                switch (random.nextInt(4))
                {
                    case 0 -> bytes[random.nextInt(bytes.length)] = (byte)random.nextInt(256);
                    case 1 -> bytes[random.nextInt(bytes.length)] ^= (byte)(1 << random.nextInt(8));
                    case 2 -> bytes = java.util.Arrays.copyOf(bytes, random.nextInt(bytes.length));
                    default ->
                    {
                        final byte[] insert = randomUnicode(1 + random.nextInt(4)).getBytes(StandardCharsets.UTF_8);
                        final int at = random.nextInt(bytes.length + 1);
                        final byte[] grown = new byte[bytes.length + insert.length];
                        System.arraycopy(bytes, 0, grown, 0, at);
                        System.arraycopy(insert, 0, grown, at, insert.length);
                        System.arraycopy(bytes, at, grown, at + insert.length, bytes.length - at);
                        bytes = grown;
                    }
                }
            }
            return bytes;
        }
    }
}
