package io.stockengine.client;

/**
 * Completes a command's future when the client could not get its answer: the connection dropped while a command
 * that is not safe to repeat was in flight (it may or may not have been applied), the answer did not come within
 * the request timeout, or the client was closed.
 */
public final class StockClientException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /** What happened; {@link #CONNECTION_LOST} and {@link #TIMEOUT} leave the command's outcome unknown. */
    public enum Kind
    {
        CONNECTION_LOST, TIMEOUT, CLOSED, CONNECT_FAILED
    }

    private final Kind kind;

    /**
     * Without a stack trace: one instance fails every command caught by the same event, and the client's event loop
     * stack would tell the caller nothing.
     */
    public StockClientException(final Kind kind, final String message)
    {
        super(message, null, false, false);
        this.kind = kind;
    }

    public StockClientException(final Kind kind, final String message, final Throwable cause)
    {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind()
    {
        return kind;
    }
}
