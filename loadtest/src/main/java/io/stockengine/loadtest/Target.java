package io.stockengine.loadtest;

/**
 * The system under test as the generator sees it: a fixed set of connections, each taking requests without
 * blocking and answering each exactly once through the completion, on any thread.
 */
interface Target extends AutoCloseable
{
    /** Called once per request, on an IO thread of the target; must not block. */
    interface Completion
    {
        void completed(Op op, Outcome outcome);
    }

    int connections();

    /**
     * Sends the request on one connection. Never blocks for an answer; the completion runs exactly once, possibly
     * before this returns.
     */
    void send(int connection, Op op, Completion completion);

    /**
     * Whether a connection carries many requests at once (the binary protocol, HTTP/1.1 pipelining): then requests
     * that fall due together go out together on one connection. Without it (HTTP one request at a time), each
     * request goes to the connection with the fewest outstanding, as a connection pool hands out an idle one.
     */
    boolean pipelined();

    /** "binary" or "http", for reports. */
    String protocol();

    @Override
    void close();
}
