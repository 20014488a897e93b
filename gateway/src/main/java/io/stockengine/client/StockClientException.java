package io.stockengine.client;

/**
 * Completes a command's future when the client could not get its answer: the connection dropped while a command
 * that is not safe to repeat was in flight (it may or may not have been applied), the request timeout passed
 * before the answer came ({@link Kind#TIMEOUT}) or before the command could even be sent ({@link Kind#NOT_SENT}),
 * or the client was closed.
 */
public final class StockClientException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /** What happened; {@link #CONNECTION_LOST} and {@link #TIMEOUT} leave the command's outcome unknown. */
    public enum Kind
    {
        /**
         * The connection dropped with the command written to it, and it is not one the client resends (it has
         * neither an idempotency key nor an order id, and is no query or policy): it may or may not have been
         * applied.
         */
        CONNECTION_LOST,
        /**
         * The command was written to a connection (this one or an earlier one), and no answer came within the
         * request timeout: it may or may not have been applied, and may still be, since its bytes cannot be called
         * back.
         */
        TIMEOUT,
        /**
         * The client was closed with the command pending, or before it was issued; one already written may or may
         * not have been applied.
         */
        CLOSED,
        /** {@link StockClientBuilder#connect()} did not get its first connection within the connect timeout. */
        CONNECT_FAILED,
        /**
         * The request timeout passed before the command was written to any connection: there was none since it
         * was issued, or it was queued in the client while the server read nothing more (its in-flight limit). It
         * was not applied, and it is dropped, never sent later: issuing it again is safe.
         */
        NOT_SENT,
        /**
         * The server answered, in more bytes than {@link StockClientBuilder#maxInboundFrameBytes} lets the client
         * hold (a wide availability or stock query): the answer was skipped, and the message names its result code.
         * The command was decided as that code says; the connection and the other commands go on.
         */
        ANSWER_TOO_LARGE,
        /**
         * The server answered in a form this client cannot read (a row kind it does not know, from a newer server):
         * the message names the result code; the command was decided as that code says. The connection and the
         * other commands go on; {@link StockClient#protocolErrors} counts it.
         */
        ANSWER_UNREADABLE
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
