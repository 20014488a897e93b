package io.stockengine.gateway.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The served OpenAPI document describes exactly the routes the server has ({@link Routes#ALL}), with their path
 * parameters, and its answer schemas match what the server really answers.
 */
@Timeout(60)
class OpenApiTest
{
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options",
        "trace");

    @TempDir
    static Path dataDir;
    static TestServer server;
    static Map<String, Object> document;

    @BeforeAll
    static void start()
    {
        LeakWatch.install();
        server = TestServer.start(dataDir);
        final Reply reply = server.get("/openapi.json");
        reply.assertOk(200);
        document = reply.json();
    }

    @AfterAll
    static void stop()
    {
        server.close();
        LeakWatch.assertNoLeaks();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(final Object node)
    {
        return (Map<String, Object>)node;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(final Object node)
    {
        return node == null ? List.of() : (List<Object>)node;
    }

    @Test
    void shouldServeTheClasspathDocument() throws IOException
    {
        try (InputStream in = OpenApiTest.class.getResourceAsStream("/openapi.json"))
        {
            assertNotNull(in, "openapi.json is on the classpath");
            assertArrayEquals(in.readAllBytes(), server.get("/openapi.json").body().getBytes(StandardCharsets.UTF_8));
        }
        assertEquals("3.1.0", document.get("openapi"));
    }

    /**
     * Every answer a {@link TestServer} reads is checked by {@link Contract}; these are answers the document does not
     * allow, so that check is known to refuse what it should: a wrong type, a null where none may be, a member
     * missing, a status the operation does not list, and a route the document does not have.
     */
    @Test
    void shouldRefuseAnswersTheDocumentDoesNotAllow()
    {
        final Map<String, String> json = Map.of("content-type", "application/json");
        final String transfer = "{'transfer_id':'t','sku':'A','from':'L1','to':'L2','quantity':3,'in_transit':3," +
            "'received':0,'seq':7}";
        Contract.check("GET", "/v1/transfers/t", new Reply(200, json, Json.q(transfer)));
        for (final String wrong : List.of(transfer.replace("'quantity':3", "'quantity':'3'"),
            transfer.replace("'sku':'A'", "'sku':null"), transfer.replace("'in_transit':3,", "")))
        {
            assertThrows(AssertionError.class, () -> Contract.check("GET", "/v1/transfers/t",
                new Reply(200, json, Json.q(wrong))), wrong);
        }
        final String receipt = "{'sku':'A','location':'L1','quantity':1,'unit_cost':'1','purchase_order':null," +
            "'inspect':false,'seq':3}";
        Contract.check("POST", "/v1/receipts", new Reply(201, json, Json.q(receipt)));
        assertThrows(AssertionError.class, () -> Contract.check("POST", "/v1/receipts",
            new Reply(201, json, Json.q(receipt.replace("'inspect':false", "'inspect':null")))));
        assertThrows(AssertionError.class, () -> Contract.check("GET", "/v1/transfers/t",
            new Reply(201, json, Json.q(transfer))), "GET of a transfer lists no 201");
        assertThrows(AssertionError.class, () -> Contract.check("GET", "/v1/nowhere", new Reply(200, json, "{}")));
    }

    @Test
    void shouldDescribeExactlyTheRoutedOperations()
    {
        final Set<String> documented = new TreeSet<>();
        for (final Map.Entry<String, Object> path : map(document.get("paths")).entrySet())
        {
            for (final String key : map(path.getValue()).keySet())
            {
                if (METHODS.contains(key))
                {
                    documented.add(key.toUpperCase(Locale.ROOT) + " " + path.getKey());
                }
            }
        }
        assertEquals(new TreeSet<>(Routes.ALL), documented, "paths and methods of the document versus the router");
    }

    @Test
    void shouldDeclareEveryPathParameterAndASuccess()
    {
        final Pattern template = Pattern.compile("\\{([^}]+)}");
        for (final String route : Routes.ALL)
        {
            final String method = route.substring(0, route.indexOf(' ')).toLowerCase(Locale.ROOT);
            final String path = route.substring(route.indexOf(' ') + 1);
            final Map<String, Object> operation = map(map(map(document.get("paths")).get(path)).get(method));
            final Set<String> expected = new LinkedHashSet<>();
            final Matcher names = template.matcher(path);
            while (names.find())
            {
                expected.add(names.group(1));
            }
            final Set<String> declared = new LinkedHashSet<>();
            for (final Object parameter : list(operation.get("parameters")))
            {
                final Map<String, Object> resolved = resolve(parameter);
                if ("path".equals(resolved.get("in")))
                {
                    assertEquals(Boolean.TRUE, resolved.get("required"), route);
                    declared.add((String)resolved.get("name"));
                }
            }
            assertEquals(expected, declared, "path parameters of " + route);
            final Map<String, Object> responses = map(operation.get("responses"));
            assertTrue(responses.keySet().stream().anyMatch(status -> status.startsWith("2")), "a success: " + route);
            if ("POST /snapshot".equals(route))
            {
                assertNull(operation.get("requestBody"), "a snapshot request takes no body");
            }
            else if (route.startsWith("POST ") || route.startsWith("PUT "))
            {
                assertNotNull(operation.get("requestBody"), "a body: " + route);
            }
            if (route.startsWith("POST /v1/") && !route.endsWith("/pick") && !route.endsWith("/ship") &&
                !route.endsWith("/cancel"))
            {
                assertTrue(list(operation.get("parameters")).stream().map(OpenApiTest::resolve).anyMatch(p ->
                    "Idempotency-Key".equals(p.get("name")) && Boolean.TRUE.equals(p.get("required"))),
                    "a required Idempotency-Key: " + route);
            }
        }
    }

    @Test
    void shouldResolveEveryReference()
    {
        final List<String> refs = new ArrayList<>();
        collectRefs(document, refs);
        assertTrue(refs.size() > 50, "the document uses its components");
        for (final String ref : refs)
        {
            assertNotNull(resolve(Map.of("$ref", ref)), ref);
        }
    }

    @Test
    void shouldMatchWhatTheServerAnswers()
    {
        final Reply receipt = server.post("/v1/receipts", "{'sku':'OA-1','location':'OA-A','quantity':5," +
            "'unit_cost':'1.50'}", "oa-r1");
        assertMatches("Receipt", receipt.json());
        final Reply order = server.put("/v1/orders/oa-o1", "{'channel':'web','ttl_seconds':60,'lines':" +
            "[{'sku':'OA-1','quantity':2}]}");
        assertMatches("Order", order.json());
        assertMatches("Stock", server.get("/v1/stock/OA-1").json());
        assertMatches("Availability", server.get("/v1/availability?sku=OA-1&channel=web&at=2026-12-01").json());
        assertMatches("Health", server.get("/health").json());
        assertMatches("Transfer", server.post("/v1/transfers", "{'transfer_id':'oa-t1','sku':'OA-1','from':'OA-A'," +
            "'to':'OA-B','quantity':1}", "oa-t1").json());
        assertMatches("TransferView", server.get("/v1/transfers/oa-t1").json());
        assertMatches("ChannelPolicy", server.put("/v1/channels/oa-web", "{'buffer':1,'locations':['OA-A']," +
            "'allocations':[{'sku':'OA-1','location':'OA-A','quantity':1}]}").json());
        assertMatches("ChannelView", server.get("/v1/channels/oa-web").json());
        assertMatches("Kit", server.put("/v1/kits/OA-K", "{'components':[{'sku':'OA-2','quantity':2}]}").json());
        assertMatches("KitView", server.get("/v1/kits/OA-K").json());
        assertMatches("SafetyStock", server.put("/v1/stock/OA-1/OA-A/safety-stock", "{'quantity':0}").json());
        assertMatches("Sale", server.post("/v1/sales", "{'channel':'pos','location':'OA-A','lines':[{'sku':'OA-1'," +
            "'quantity':1}]}", "oa-s1").json());
        assertMatches("Move", server.post("/v1/moves", "{'sku':'OA-1','location':'OA-A','quantity':1," +
            "'from':'sellable','to':'damaged'}", "oa-m1").json());
        assertMatches("Adjustment", server.post("/v1/adjustments", "{'sku':'OA-1','location':'OA-A','delta':1," +
            "'reason':'found'}", "oa-a1").json());
        assertMatches("CountResult", server.post("/v1/counts", "{'sku':'OA-1','location':'OA-A','counted':1," +
            "'expected':1}", "oa-c1").json());
        assertMatches("Incoming", server.post("/v1/incoming", "{'purchase_order':'oa-po','sku':'OA-1'," +
            "'location':'OA-A','quantity':1,'expected_at':'2026-12-01','unit_cost':'1'}", "oa-i1").json());
        server.post("/v1/receipts", "{'sku':'OA-1','location':'OA-A','quantity':1,'unit_cost':'1','inspect':true}",
            "oa-r2").assertOk(201);
        assertMatches("Inspection", server.post("/v1/inspections", "{'sku':'OA-1','location':'OA-A','passed':0," +
            "'failed':1}", "oa-n1").json());
        assertMatches("Problem", server.get("/v1/orders/oa-none").json());
        assertMatches("Problem", server.post("/v1/receipts", "{}", "oa-bad").json());
        assertMatches("InsufficientStockProblem", server.put("/v1/orders/oa-o2", "{'channel':'web','lines':" +
            "[{'sku':'OA-1','quantity':99}]}").json());
    }

    /** Required members are there and every member is documented, recursively through objects and arrays. */
    private static void assertMatches(final String schemaName, final Map<String, Object> actual)
    {
        assertEquals(schemaName.endsWith("Problem"), actual.containsKey("code"), () -> schemaName + ": " + actual);
        assertMatches(schemaName, map(map(map(document.get("components")).get("schemas")).get(schemaName)), actual);
    }

    private static void assertMatches(final String where, final Map<String, Object> schema, final Object actual)
    {
        final Map<String, Object> properties = new LinkedHashMap<>();
        final Set<String> required = new LinkedHashSet<>();
        flatten(schema, properties, required);
        if (!(actual instanceof Map) || properties.isEmpty())
        {
            return;
        }
        final Map<String, Object> object = map(actual);
        for (final String name : required)
        {
            assertTrue(object.containsKey(name), () -> where + " lacks required " + name + ": " + actual);
        }
        for (final Map.Entry<String, Object> member : object.entrySet())
        {
            final Object property = properties.get(member.getKey());
            assertNotNull(property, () -> where + " has undocumented " + member.getKey() + ": " + actual);
            final Map<String, Object> propertySchema = resolve(property);
            if (member.getValue() instanceof List && propertySchema.get("items") != null)
            {
                for (final Object element : list(member.getValue()))
                {
                    assertMatches(where + "." + member.getKey() + "[]", resolve(propertySchema.get("items")), element);
                }
            }
            else
            {
                assertMatches(where + "." + member.getKey(), propertySchema, member.getValue());
            }
        }
    }

    private static void flatten(final Map<String, Object> schema, final Map<String, Object> properties,
        final Set<String> required)
    {
        final Map<String, Object> resolved = resolve(schema);
        for (final Object part : list(resolved.get("allOf")))
        {
            flatten(map(part), properties, required);
        }
        if (resolved.get("properties") != null)
        {
            properties.putAll(map(resolved.get("properties")));
        }
        for (final Object name : list(resolved.get("required")))
        {
            required.add((String)name);
        }
    }

    /** Follows a local $ref (one level at a time until there is none); returns the node itself otherwise. */
    private static Map<String, Object> resolve(final Object node)
    {
        Map<String, Object> current = map(node);
        while (current != null && current.get("$ref") instanceof String)
        {
            final String ref = (String)current.get("$ref");
            assertTrue(ref.startsWith("#/"), ref);
            Object target = document;
            for (final String step : ref.substring(2).split("/"))
            {
                target = target == null ? null : map(target).get(step);
            }
            assertNotNull(target, () -> "unresolved " + ref);
            current = map(target);
        }
        return current;
    }

    private static void collectRefs(final Object node, final List<String> refs)
    {
        if (node instanceof Map)
        {
            for (final Map.Entry<String, Object> member : map(node).entrySet())
            {
                if ("$ref".equals(member.getKey()))
                {
                    refs.add((String)member.getValue());
                }
                else
                {
                    collectRefs(member.getValue(), refs);
                }
            }
        }
        else if (node instanceof List)
        {
            for (final Object element : list(node))
            {
                collectRefs(element, refs);
            }
        }
    }
}
