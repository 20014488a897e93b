package io.stockengine.gateway.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.InputCoercionException;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;

/**
 * A strict, streaming view of a JSON request body (Jackson's token parser, no data binding, no reflection): fields
 * are read one by one with their expected types; duplicate keys, unknown fields, wrong types and trailing content
 * are refused with the offending field named.
 */
final class JsonBody implements AutoCloseable
{
    private static final JsonFactory FACTORY = JsonFactory.builder()
        .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(8).maxNumberLength(40)
            .maxStringLength(4096).build())
        .build();
    /** Jackson's note of where an unclosed array or object opened, with its source description. */
    private static final Pattern START_MARKER =
        Pattern.compile(" \\(start marker at \\[Source: [^;\\]]*; line: (\\d+), column: (\\d+)\\]\\)");

    private final JsonParser parser;
    private final byte[] bytes;
    private final JsonForm form = new JsonForm();
    private String path = "body";

    private JsonBody(final JsonParser parser, final byte[] bytes)
    {
        this.parser = parser;
        this.bytes = bytes;
    }

    /** Opens a body that must be one JSON object; an empty body is refused unless {@code emptyAllowed}. */
    static JsonBody open(final byte[] bytes, final int length, final boolean emptyAllowed)
    {
        if (length == 0)
        {
            if (emptyAllowed)
            {
                return null;
            }
            throw Problem.invalid("body", "a JSON object body is required");
        }
        try
        {
            final JsonParser parser = FACTORY.createParser(bytes, 0, length);
            final JsonBody body = new JsonBody(parser, bytes);
            if (body.next() != JsonToken.START_OBJECT)
            {
                throw Problem.invalid("body", "the body must be a JSON object");
            }
            return body;
        }
        catch (final IOException ex)
        {
            throw malformed("body", ex);
        }
    }

    private static Problem malformed(final String field, final IOException ex)
    {
        if (ex instanceof InputCoercionException)
        {
            return Problem.invalid(field, field + " is out of range");
        }
        final String message = ex.getMessage() == null ? "" : ex.getMessage();
        if (ex instanceof JsonParseException && message.startsWith("Duplicate field '"))
        {
            final String name = message.substring(17, message.indexOf('\'', 17));
            final String duplicate = "body".equals(field) ? name : field + "." + name;
            return Problem.invalid(duplicate, "duplicate field '" + duplicate + "'");
        }
        return Problem.invalid(field, "malformed JSON" + where(ex) + ": " + parserSays(ex, message));
    }

    /**
     * Where the parser stopped, as the client can find it in its own body: Jackson's own message appends its source
     * description (with a note about a stream feature) instead, which says nothing to a client.
     */
    private static String where(final IOException ex)
    {
        if (ex instanceof JsonProcessingException json && json.getLocation() != null &&
            json.getLocation().getLineNr() > 0)
        {
            return " at line " + json.getLocation().getLineNr() + ", column " + json.getLocation().getColumnNr();
        }
        return "";
    }

    private static String parserSays(final IOException ex, final String message)
    {
        String said = ex instanceof JsonProcessingException json && json.getOriginalMessage() != null ?
            json.getOriginalMessage() : message;
        final int newline = said.indexOf('\n');
        said = newline > 0 ? said.substring(0, newline) : said;
        return START_MARKER.matcher(said).replaceAll(" (opened at line $1, column $2)");
    }

    /** Moves to the next field of the current object; false at its end. */
    boolean nextField(final String objectPath)
    {
        try
        {
            final JsonToken token = next();
            if (token == JsonToken.END_OBJECT)
            {
                return false;
            }
            if (token != JsonToken.FIELD_NAME)
            {
                throw Problem.invalid(objectPath, "malformed JSON object");
            }
            path = objectPath.equals("body") ? parser.currentName() : objectPath + "." + parser.currentName();
            if (!wellFormed(parser.currentTokenLocation().getByteOffset(), parser.currentLocation().getByteOffset()))
            {
                throw Problem.invalid(objectPath, "a member name is not well-formed UTF-8");
            }
        }
        catch (final IOException ex)
        {
            // Jackson reads a member's value together with its name, so a bad value surfaces here: name the member.
            // A name that failed (a trailing comma, a bare word) leaves the token at the member before: the object.
            final String message = ex.getMessage() == null ? "" : ex.getMessage();
            final String member = parser.currentToken() == JsonToken.FIELD_NAME ? currentNameOrNull() : null;
            throw malformed(member == null || message.startsWith("Duplicate field") ||
                message.contains("end-of-input") ? objectPath :
                "body".equals(objectPath) ? member : objectPath + "." + member, ex);
        }
        try
        {
            next();
            return true;
        }
        catch (final IOException ex)
        {
            throw malformed(path, ex);
        }
    }

    private String currentNameOrNull()
    {
        try
        {
            return parser.currentName();
        }
        catch (final IOException ex)
        {
            return null;
        }
    }

    String name()
    {
        try
        {
            return parser.currentName();
        }
        catch (final IOException ex)
        {
            throw malformed(path, ex);
        }
    }

    String path()
    {
        return path;
    }

    Problem unknown()
    {
        return Problem.invalid(path, "unknown field '" + path + "'");
    }

    boolean isNull()
    {
        return parser.currentToken() == JsonToken.VALUE_NULL;
    }

    /** A decimal in a string, as money is sent: a JSON number (12.50) is told to be quoted, not just "a string". */
    String decimal()
    {
        final JsonToken token = parser.currentToken();
        if (token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT)
        {
            throw Problem.invalid(path, path + " must be a decimal string, in quotes (\"12.50\"), not a JSON number: " +
                "money is never rounded through a binary fraction");
        }
        return string();
    }

    /** The current value as a string, named {@code at} in an error (an array's element: {@code locations[0]}). */
    String string(final String at)
    {
        path = at;
        return string();
    }

    String string()
    {
        if (parser.currentToken() != JsonToken.VALUE_STRING)
        {
            throw Problem.invalid(path, path + " must be a string");
        }
        try
        {
            final String text = parser.getText();
            if (!wellFormed(parser.currentTokenLocation().getByteOffset(), parser.currentLocation().getByteOffset()))
            {
                throw Problem.invalid(path, path + " is not well-formed UTF-8");
            }
            return text;
        }
        catch (final IOException ex)
        {
            throw malformed(path, ex);
        }
    }

    /**
     * Whether the bytes of a token are well-formed UTF-8 (Netty's check, RFC 3629): Jackson decodes an overlong form
     * (C0 AE, E0 80 AE) into the character it spells, so an id could arrive as another id; such bytes are refused
     * instead. JSON's own syntax is ASCII, so the non-ASCII bytes of a token's range are those of its text. Jackson
     * gives no byte offsets when it read the bytes as UTF-16 or UTF-32: not UTF-8 either.
     */
    private boolean wellFormed(final long from, final long to)
    {
        return from >= 0 && to >= from && to <= bytes.length &&
            ByteBufUtil.isText(Unpooled.wrappedBuffer(bytes, (int)from, (int)(to - from)), StandardCharsets.UTF_8);
    }

    long integer(final long min, final long max)
    {
        if (parser.currentToken() != JsonToken.VALUE_NUMBER_INT)
        {
            throw Problem.invalid(path, path + " must be an integer");
        }
        try
        {
            if (parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER)
            {
                throw Problem.invalid(path, path + " must be between " + min + " and " + max);
            }
            return Validation.range(path, parser.getLongValue(), min, max);
        }
        catch (final IOException ex)
        {
            throw malformed(path, ex);
        }
    }

    boolean bool()
    {
        final JsonToken token = parser.currentToken();
        if (token != JsonToken.VALUE_TRUE && token != JsonToken.VALUE_FALSE)
        {
            throw Problem.invalid(path, path + " must be true or false");
        }
        return token == JsonToken.VALUE_TRUE;
    }

    /** Expects an array at the current field; then call {@link #nextElement}. */
    void array()
    {
        if (parser.currentToken() != JsonToken.START_ARRAY)
        {
            throw Problem.invalid(path, path + " must be an array");
        }
    }

    /** Moves to the next array element; false at the end of the array. */
    boolean nextElement(final String arrayPath)
    {
        try
        {
            final JsonToken token = next();
            path = arrayPath;
            return token != JsonToken.END_ARRAY;
        }
        catch (final IOException ex)
        {
            throw malformed(arrayPath, ex);
        }
    }

    /** Expects the current element to be an object. */
    void object(final String elementPath)
    {
        if (parser.currentToken() != JsonToken.START_OBJECT)
        {
            throw Problem.invalid(elementPath, elementPath + " must be an object");
        }
    }

    /** Refuses anything after the top-level object. */
    void end()
    {
        try
        {
            if (next() != null)
            {
                throw Problem.invalid("body", "unexpected content after the JSON object");
            }
        }
        catch (final IOException ex)
        {
            throw malformed("body", ex);
        }
    }

    /**
     * The body's hash as parsed JSON ({@link JsonForm}), for the idempotency key it binds, from this parse's own
     * tokens: every request's reader reads its body to the {@link #end}.
     */
    long form()
    {
        if (!form.complete())
        {
            throw new IllegalStateException("the body's form is asked for before the body was read to its end");
        }
        return form.value();
    }

    /** The parser's next token, which the body's form sees too. */
    private JsonToken next() throws IOException
    {
        final JsonToken token = parser.nextToken();
        form.accept(token, parser);
        return token;
    }

    @Override
    public void close()
    {
        try
        {
            parser.close();
        }
        catch (final IOException ignored)
        {
            // Closing a parser over a byte array cannot fail in a way that matters.
        }
    }
}
