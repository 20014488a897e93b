package io.stockengine.gateway.http;

/** A journal's statistics for servers that have no journal in a test: every figure 0, never failed. */
class ZeroJournalStats implements Operations.JournalStats
{
    @Override
    public long bytesWritten()
    {
        return 0;
    }

    @Override
    public long lastSeq()
    {
        return 0;
    }

    @Override
    public long snapshotLagEvents()
    {
        return 0;
    }

    @Override
    public long snapshotWriteFailures()
    {
        return 0;
    }
}
