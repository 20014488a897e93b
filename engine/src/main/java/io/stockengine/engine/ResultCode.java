package io.stockengine.engine;

/**
 * Outcomes of a command. Rejections are results, never exceptions.
 */
public final class ResultCode
{
    public static final int OK = 0;
    /** A movement takes more than its source holds; the slot's shortfall rows say which lines and how many were there. */
    public static final int INSUFFICIENT_STOCK = 1;
    /** The order's or transfer's state forbids the action, a return exceeds what was shipped, a count is stale. */
    public static final int INVALID_TRANSITION = 2;
    /** Unknown order or transfer. */
    public static final int NOT_FOUND = 3;
    /** The client id was bound earlier by a command with a different payload. */
    public static final int IDEMPOTENCY_CONFLICT = 4;
    /** Well-formed but not acceptable against the current state, e.g. stock movement of a kit SKU; see {@code field}. */
    public static final int INVALID_REQUEST = 5;
    /** The ring was full; nothing was applied. Set by the publisher, never by the logic. */
    public static final int OVERLOADED = 6;
    /** A defect in the engine; the command's effects are unknown. Counted and reported, never thrown at a caller. */
    public static final int INTERNAL_ERROR = 7;
    /**
     * The journal has stopped after a failure, so nothing more can be made durable: the command was not applied, and
     * no command will be until the server restarts (from the journal, which holds every acknowledged event). Reads
     * are refused the same way, since the memory may hold effects of the batch the journal failed on.
     */
    public static final int UNAVAILABLE = 8;

    private static final String[] NAMES = {
        "OK", "INSUFFICIENT_STOCK", "INVALID_TRANSITION", "NOT_FOUND", "IDEMPOTENCY_CONFLICT", "INVALID_REQUEST",
        "OVERLOADED", "INTERNAL_ERROR", "UNAVAILABLE" };

    public static final int COUNT_OF_CODES = NAMES.length;

    private ResultCode()
    {
    }

    public static String name(final int code)
    {
        return code >= 0 && code < NAMES.length ? NAMES[code] : "UNKNOWN";
    }
}
