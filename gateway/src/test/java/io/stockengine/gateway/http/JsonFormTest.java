package io.stockengine.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.core.JsonFactory;

/**
 * The body's form, as API.md compares bodies for an idempotency key: as parsed JSON, member order ignored. The
 * form taken from the request's own parse must equal a whole parse of the same bytes.
 */
class JsonFormTest
{
    private static final JsonFactory FACTORY = new JsonFactory();

    /** Every token of the document, straight from a parser of its own. */
    private static long whole(final String json) throws IOException
    {
        final JsonForm form = new JsonForm();
        try (com.fasterxml.jackson.core.JsonParser parser = FACTORY.createParser(json.getBytes(StandardCharsets.UTF_8)))
        {
            com.fasterxml.jackson.core.JsonToken token;
            while ((token = parser.nextToken()) != null)
            {
                form.accept(token, parser);
            }
        }
        return form.value();
    }

    /** Read field by field as a request is, then asked for its form. */
    private static long read(final String json)
    {
        final byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        try (JsonBody body = JsonBody.open(bytes, bytes.length, false))
        {
            while (body.nextField("body"))
            {
                if ("lines".equals(body.name()))
                {
                    body.array();
                    while (body.nextElement("lines"))
                    {
                        body.object("lines");
                        while (body.nextField("lines"))
                        {
                            if (!body.isNull())
                            {
                                body.string();
                            }
                        }
                    }
                }
            }
            body.end();
            return body.form();
        }
    }

    @Test
    void shouldIgnoreMemberOrderWhitespaceAndEscapes() throws IOException
    {
        final long form = whole("{\"a\":\"x\",\"b\":[1,2],\"c\":{\"d\":null,\"e\":true}}");
        assertEquals(form, whole(" { \"c\" : {\"e\":true, \"d\":null}, \"b\":[1, 2], \"a\":\"\\u0078\" } "));
        assertEquals(whole("{\"q\":0}"), whole("{\"q\":-0}"), "the same integer");
    }

    @Test
    void shouldTellApartWhatParsesToOtherJson() throws IOException
    {
        final long form = whole("{\"a\":\"1.50\",\"b\":[1,2]}");
        assertNotEquals(form, whole("{\"a\":\"1.5\",\"b\":[1,2]}"), "another string");
        assertNotEquals(form, whole("{\"a\":\"1.50\",\"b\":[2,1]}"), "array order counts");
        assertNotEquals(form, whole("{\"a\":\"1.50\",\"b\":[1,2],\"c\":null}"), "a member more");
        assertNotEquals(form, whole("{\"b\":\"1.50\",\"a\":[1,2]}"), "values under other names");
        assertNotEquals(whole("{\"a\":1}"), whole("{\"a\":\"1\"}"), "a number is not a string");
        assertNotEquals(whole("{}"), whole("{\"a\":{}}"));
    }

    @Test
    void shouldTakeTheSameFormFromTheRequestsOwnParse() throws IOException
    {
        final String json = "{\"channel\":\"web\",\"lines\":[{\"sku\":\"A\",\"location\":null},{\"sku\":\"B\"}]}";
        assertEquals(whole(json), read(json));
        assertEquals(whole(json),
            read("{ \"lines\":[{\"location\":null,\"sku\":\"A\"},{\"sku\":\"B\"}],\"channel\":\"web\"}"));
    }
}
