package io.stockengine.gateway.http;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;

/**
 * A small JSON tree for tests, on jackson-core alone (the gateway has no data binding and its tests need none):
 * objects are {@link LinkedHashMap}s, arrays {@link List}s, integers {@link Long} (or {@link BigInteger} when they do
 * not fit), other numbers {@link BigDecimal}. Map equality ignores member order, as the API's comparisons do.
 */
final class Json
{
    private static final JsonFactory FACTORY = JsonFactory.builder()
        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    private Json()
    {
    }

    /** Single quotes to double quotes, so bodies read well in Java strings; no test body needs a real quote. */
    static String q(final String singleQuoted)
    {
        return singleQuoted.replace('\'', '"');
    }

    static Object parse(final String text)
    {
        try (JsonParser parser = FACTORY.createParser(text))
        {
            final Object value = value(parser, parser.nextToken());
            if (parser.nextToken() != null)
            {
                throw new IllegalArgumentException("content after the JSON value: " + text);
            }
            return value;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("not JSON: " + text, ex);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> object(final String text)
    {
        final Object value = parse(text);
        if (!(value instanceof Map))
        {
            throw new IllegalArgumentException("not a JSON object: " + text);
        }
        return (Map<String, Object>)value;
    }

    private static Object value(final JsonParser parser, final JsonToken token) throws IOException
    {
        if (token == null)
        {
            throw new IOException("unexpected end of input");
        }
        switch (token)
        {
            case START_OBJECT:
            {
                final Map<String, Object> object = new LinkedHashMap<>();
                JsonToken next;
                while ((next = parser.nextToken()) != JsonToken.END_OBJECT)
                {
                    if (next != JsonToken.FIELD_NAME)
                    {
                        throw new IOException("expected a field name");
                    }
                    final String name = parser.currentName();
                    object.put(name, value(parser, parser.nextToken()));
                }
                return object;
            }
            case START_ARRAY:
            {
                final List<Object> array = new ArrayList<>();
                JsonToken next;
                while ((next = parser.nextToken()) != JsonToken.END_ARRAY)
                {
                    array.add(value(parser, next));
                }
                return array;
            }
            case VALUE_STRING:
                return parser.getText();
            case VALUE_NUMBER_INT:
                return parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? parser.getBigIntegerValue() :
                    (Object)parser.getLongValue();
            case VALUE_NUMBER_FLOAT:
                return parser.getDecimalValue();
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NULL:
                return null;
            default:
                throw new IOException("unexpected token " + token);
        }
    }

    static String write(final Object tree)
    {
        final StringWriter out = new StringWriter();
        try (JsonGenerator json = FACTORY.createGenerator(out))
        {
            write(json, tree);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        return out.toString();
    }

    @SuppressWarnings("unchecked")
    private static void write(final JsonGenerator json, final Object value) throws IOException
    {
        if (value == null)
        {
            json.writeNull();
        }
        else if (value instanceof Map)
        {
            json.writeStartObject();
            for (final Map.Entry<String, Object> member : ((Map<String, Object>)value).entrySet())
            {
                json.writeFieldName(member.getKey());
                write(json, member.getValue());
            }
            json.writeEndObject();
        }
        else if (value instanceof List)
        {
            json.writeStartArray();
            for (final Object element : (List<Object>)value)
            {
                write(json, element);
            }
            json.writeEndArray();
        }
        else if (value instanceof String)
        {
            json.writeString((String)value);
        }
        else if (value instanceof Long)
        {
            json.writeNumber((Long)value);
        }
        else if (value instanceof BigInteger)
        {
            json.writeNumber((BigInteger)value);
        }
        else if (value instanceof BigDecimal)
        {
            json.writeNumber((BigDecimal)value);
        }
        else if (value instanceof Boolean)
        {
            json.writeBoolean((Boolean)value);
        }
        else
        {
            throw new IllegalArgumentException("not a JSON value: " + value.getClass());
        }
    }

    /** The member at a dotted path with [i] indexes, e.g. "lines[0].sku". */
    @SuppressWarnings("unchecked")
    static Object at(final Object tree, final String path)
    {
        Object node = tree;
        for (final String step : path.split("\\."))
        {
            String name = step;
            int index = -1;
            final int bracket = step.indexOf('[');
            if (bracket >= 0)
            {
                name = step.substring(0, bracket);
                index = Integer.parseInt(step.substring(bracket + 1, step.length() - 1));
            }
            if (!name.isEmpty())
            {
                node = ((Map<String, Object>)node).get(name);
            }
            if (index >= 0)
            {
                node = ((List<Object>)node).get(index);
            }
        }
        return node;
    }
}
