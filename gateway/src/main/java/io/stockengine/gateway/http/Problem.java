package io.stockengine.gateway.http;

/**
 * A request the gateway refuses before it reaches the engine: becomes an RFC 9457 problem+json answer. Thrown only
 * on IO threads while parsing, never on the logic thread.
 */
public final class Problem extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    final int status;
    final String code;
    final String field;
    /** For a 405: the methods the path allows. */
    String allow;

    public Problem(final int status, final String code, final String field, final String detail)
    {
        super(detail, null, false, false);
        this.status = status;
        this.code = code;
        this.field = field;
    }

    public static Problem invalid(final String field, final String detail)
    {
        return new Problem(400, "INVALID_REQUEST", field, detail);
    }

    public int status()
    {
        return status;
    }

    public String code()
    {
        return code;
    }

    public String field()
    {
        return field;
    }
}
