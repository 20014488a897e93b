package io.stockengine.loadtest;

import io.stockengine.engine.ResultCode;

/**
 * The outcome of one request: the engine's {@link ResultCode}s, and four the load test adds for requests whose answer
 * never came or never was asked for. The distinction that matters for reconciliation is whether the command may have
 * been applied: {@link #isUnknown} outcomes are resolved after the run by asking the engine.
 */
final class Codes
{
    /** No answer within the request timeout: the command may or may not have been applied. */
    static final int TIMEOUT = ResultCode.COUNT_OF_CODES;
    /** The connection dropped with the command in flight: it may or may not have been applied. */
    static final int CONNECTION_LOST = TIMEOUT + 1;
    /**
     * Never sent: every connection already had its maximum of requests in flight (HTTP), or the binary client
     * held it while the server read nothing more until its timeout passed. The generator keeps to its schedule
     * instead of waiting, so a system that falls behind sees these; nothing was applied.
     */
    static final int NOT_SENT = TIMEOUT + 2;
    /** An answer the load test could not read (an unexpected HTTP status, a malformed body): outcome unknown. */
    static final int CLIENT_ERROR = TIMEOUT + 3;
    static final int COUNT = TIMEOUT + 4;

    private static final String[] LOCAL_NAMES = { "TIMEOUT", "CONNECTION_LOST", "NOT_SENT", "CLIENT_ERROR" };

    private Codes()
    {
    }

    static String name(final int code)
    {
        if (code < ResultCode.COUNT_OF_CODES)
        {
            return ResultCode.name(code);
        }
        return code < COUNT ? LOCAL_NAMES[code - TIMEOUT] : "UNKNOWN";
    }

    /** The code of an engine result name ({@code "INSUFFICIENT_STOCK"}), or -1. */
    static int ofEngineName(final String name)
    {
        for (int code = 0; code < ResultCode.COUNT_OF_CODES; code++)
        {
            if (ResultCode.name(code).equals(name))
            {
                return code;
            }
        }
        return -1;
    }

    /** The command may have been applied or not; only the engine can tell. */
    static boolean isUnknown(final int code)
    {
        return code == TIMEOUT || code == CONNECTION_LOST || code == CLIENT_ERROR || code == ResultCode.INTERNAL_ERROR;
    }

    /**
     * Certainly not applied: the engine never saw it, refused it for load, or refused it because its journal had
     * stopped (worth trying again once the server has restarted).
     */
    static boolean notApplied(final int code)
    {
        return code == NOT_SENT || code == ResultCode.OVERLOADED || code == ResultCode.UNAVAILABLE;
    }

    /** Counts against a step of the step mode: the system did not keep up, or lost track of commands. */
    static boolean isCapacityError(final int code)
    {
        return notApplied(code) || isUnknown(code);
    }
}
