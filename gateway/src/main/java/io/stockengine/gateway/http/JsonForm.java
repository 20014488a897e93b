package io.stockengine.gateway.http;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import io.stockengine.engine.StateHash;

/**
 * A hash of a JSON document as parsed (API.md binds an idempotency key to the body so): strings by their decoded
 * text, integers by value, an object's members in any order (the hashes of its members are summed), an array's
 * elements in order. Fed each token as the request's one parse reads it, so the body is not parsed twice.
 * <p>
 * Threading: one request on its event loop.
 */
final class JsonForm
{
    /** Deeper than the parser's nesting limit (8). */
    private static final int MAX_DEPTH = 16;
    private static final int OBJECT = JsonToken.START_OBJECT.ordinal();
    private static final int ARRAY = JsonToken.START_ARRAY.ordinal();

    private final boolean[] isObject = new boolean[MAX_DEPTH];
    /** Objects: the sum of their members' hashes; arrays: the running hash of their elements. */
    private final long[] accumulated = new long[MAX_DEPTH];
    private final int[] members = new int[MAX_DEPTH];
    private final long[] memberName = new long[MAX_DEPTH];
    private int depth;
    private long value;
    private boolean complete;

    /** The parser has just moved to {@code token}. */
    void accept(final JsonToken token, final JsonParser json) throws IOException
    {
        if (token == null || complete && depth == 0)
        {
            return;
        }
        switch (token)
        {
            case START_OBJECT, START_ARRAY ->
            {
                if (depth == MAX_DEPTH)
                {
                    throw new IllegalStateException("JSON nested deeper than " + MAX_DEPTH);
                }
                isObject[depth] = token == JsonToken.START_OBJECT;
                accumulated[depth] = isObject[depth] ? 0 : StateHash.mix(ARRAY, 0);
                members[depth] = 0;
                depth++;
            }
            case FIELD_NAME -> memberName[depth - 1] = StateHash.mix(OBJECT, json.currentName());
            case END_OBJECT ->
            {
                depth--;
                deliver(StateHash.mix(StateHash.mix(OBJECT, members[depth]), accumulated[depth]));
            }
            case END_ARRAY ->
            {
                depth--;
                deliver(accumulated[depth]);
            }
            case VALUE_NUMBER_INT -> deliver(StateHash.mix(token.ordinal(),
                json.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? json.getBigIntegerValue().toString() :
                Long.toString(json.getLongValue())));
            default -> deliver(StateHash.mix(token.ordinal(), json.getText()));
        }
    }

    private void deliver(final long hash)
    {
        if (depth == 0)
        {
            value = hash;
            complete = true;
        }
        else if (isObject[depth - 1])
        {
            accumulated[depth - 1] += StateHash.mix(memberName[depth - 1], hash);
            members[depth - 1]++;
        }
        else
        {
            accumulated[depth - 1] = StateHash.mix(accumulated[depth - 1], hash);
        }
    }

    /** Whether a whole document has been read. */
    boolean complete()
    {
        return complete;
    }

    /** The document's hash, never 0 (which {@code Command.bodyForm} keeps for "no form": the binary protocol's). */
    long value()
    {
        return value == 0 ? 1 : value;
    }
}
