package io.stockengine.gateway.http;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import com.networknt.schema.oas.OpenApi31;

/**
 * Checks an answer against the checked-in OpenAPI document: the route and method are documented, the status is one
 * the operation lists (or its {@code default}), and a JSON body validates against that response's schema (JSON
 * Schema 2020-12, as OpenAPI 3.1 defines it, by networknt's validator). {@link TestServer} runs it on every answer
 * its tests read, so the document is held to what the server really sends, not only to one request per schema.
 */
final class Contract
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DOCUMENT = "classpath:openapi.json";
    private static final JsonNode OPENAPI = load();
    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012,
        builder -> builder.metaSchema(OpenApi31.getInstance()).defaultMetaSchemaIri(OpenApi31.getInstance().getIri()));
    private static final SchemaValidatorsConfig CONFIG = SchemaValidatorsConfig.builder().build();
    private static final Map<String, JsonSchema> SCHEMAS = new ConcurrentHashMap<>();
    private static final List<Route> ROUTES = routes();

    private record Route(String template, Pattern pattern, int literalLength)
    {
    }

    private Contract()
    {
    }

    private static JsonNode load()
    {
        try (InputStream in = Contract.class.getResourceAsStream("/openapi.json"))
        {
            assertNotNull(in, "openapi.json is on the classpath");
            return JSON.readTree(in);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private static List<Route> routes()
    {
        final List<Route> routes = new ArrayList<>();
        for (final Iterator<String> names = OPENAPI.get("paths").fieldNames(); names.hasNext();)
        {
            final String template = names.next();
            final String regex = template.replaceAll("\\{[^/}]+}", "[^/]+");
            routes.add(new Route(template, Pattern.compile(regex), template.replaceAll("\\{[^/}]+}", "").length()));
        }
        // A literal segment wins over a parameter where both match (the server routes the same way).
        routes.sort((a, b) -> Integer.compare(b.literalLength, a.literalLength));
        return routes;
    }

    /** Asserts that the answer to {@code method path} is what the document says it may be. */
    static void check(final String method, final String pathAndQuery, final Reply reply)
    {
        final String path = pathAndQuery.indexOf('?') >= 0 ?
            pathAndQuery.substring(0, pathAndQuery.indexOf('?')) : pathAndQuery;
        final String verb = method.toLowerCase(Locale.ROOT);
        final Route route = ROUTES.stream().filter(r -> r.pattern.matcher(path).matches()).findFirst().orElse(null);
        final JsonNode operation = route == null ? null :
            OPENAPI.get("paths").get(route.template).get("head".equals(verb) ? "get" : verb);
        final String where = method + " " + pathAndQuery + " -> " + reply.status();
        String pointer;
        if (operation == null)
        {
            // Not an operation of the document: only the transport's answers (404, 405, ...) may come back.
            assertTrue(reply.status() >= 400, () -> where + " answered, but the route is not in openapi.json");
            pointer = "/components/responses/Other";
        }
        else
        {
            final JsonNode responses = operation.get("responses");
            final String status = Integer.toString(reply.status());
            pointer = "/paths/" + escape(route.template) + "/" + ("head".equals(verb) ? "get" : verb) + "/responses/" +
                (responses.has(status) ? status : "default");
            assertTrue(responses.has(status) || reply.status() >= 400 && responses.has("default"),
                () -> where + ": the operation lists no such status");
        }
        JsonNode response = at(pointer);
        while (response.has("$ref"))
        {
            pointer = response.get("$ref").asText().substring(1);
            response = at(pointer);
        }
        final String type = reply.header("content-type");
        if ("head".equals(verb) || type == null || reply.body().isEmpty())
        {
            return;
        }
        final String mediaType = response.path("content").has(type) ? type : type.split(";")[0].trim();
        final JsonNode content = response.path("content").get(mediaType);
        assertNotNull(content, () -> where + ": the document has no " + type + " body for it: " + reply.body());
        if (!mediaType.endsWith("json"))
        {
            return;
        }
        final String schemaPointer = pointer + "/content/" + escape(mediaType) + "/schema";
        final JsonSchema schema = SCHEMAS.computeIfAbsent(schemaPointer,
            p -> FACTORY.getSchema(SchemaLocation.of(DOCUMENT + "#" + fragment(p)), CONFIG));
        final Set<ValidationMessage> errors;
        try
        {
            errors = schema.validate(JSON.readTree(reply.body()));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(where + ": the body is not JSON", ex);
        }
        if (!errors.isEmpty())
        {
            fail(where + ": the body does not match " + schemaPointer + ": " + errors + "\n" + reply.body());
        }
    }

    private static JsonNode at(final String pointer)
    {
        final JsonNode node = OPENAPI.at(pointer);
        assertTrue(!node.isMissingNode(), () -> "openapi.json has nothing at " + pointer);
        return node;
    }

    /** A JSON Pointer token (RFC 6901). */
    private static String escape(final String token)
    {
        return token.replace("~", "~0").replace("/", "~1");
    }

    /** A JSON Pointer as a URI fragment: what a URI may not hold, percent-encoded (RFC 6901, section 6). */
    private static String fragment(final String pointer)
    {
        return URLEncoder.encode(pointer, StandardCharsets.UTF_8).replace("+", "%20").replace("%2F", "/")
            .replace("%7E", "~");
    }
}
