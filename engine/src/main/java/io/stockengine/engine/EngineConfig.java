package io.stockengine.engine;

/**
 * Settings of the logic thread's state. Fluent setters; {@link #conclude()} validates once before use.
 */
public final class EngineConfig
{
    public static final long DAY_MILLIS = 86_400_000L;

    private long dedupWindowMillis = 7 * DAY_MILLIS;
    private int dedupCapacity = 10_000_000;
    private int finishedOrderCapacity = 10_000_000;
    private int dedupAnswerInts = 16 << 20;
    private int expectedBalances = 1 << 16;
    private int expectedOrders = 1 << 14;
    private int maxKitComponents = 32;

    /** How long a success keeps its idempotency key and a finished order its id (engine time). */
    public EngineConfig dedupWindowMillis(final long millis)
    {
        this.dedupWindowMillis = millis;
        return this;
    }

    public long dedupWindowMillis()
    {
        return dedupWindowMillis;
    }

    /** The most idempotency keys kept at once; the oldest go first when full. */
    public EngineConfig dedupCapacity(final int capacity)
    {
        this.dedupCapacity = capacity;
        return this;
    }

    public int dedupCapacity()
    {
        return dedupCapacity;
    }

    /**
     * The memory, in ints, for the answers that idempotency bindings of order actions and transfers keep, so a
     * retry gets the original answer (an order action's answer is the order as the action left it: about 8 ints a
     * line). The oldest answers go first when it is full; 0 keeps none (a retry then answers the order as it is).
     * The ring's pages (256 KiB) are made as it first reaches them: the logic thread allocates up to this much over
     * the ring's first lap, and nothing after.
     */
    public EngineConfig dedupAnswerInts(final int ints)
    {
        this.dedupAnswerInts = ints;
        return this;
    }

    public int dedupAnswerInts()
    {
        return dedupAnswerInts;
    }

    /** The most finished orders kept for lookups and retries; the oldest go first when full. */
    public EngineConfig finishedOrderCapacity(final int capacity)
    {
        this.finishedOrderCapacity = capacity;
        return this;
    }

    public int finishedOrderCapacity()
    {
        return finishedOrderCapacity;
    }

    /** Pre-sizes the balance index so a large catalogue loads without rehashing. */
    public EngineConfig expectedBalances(final int count)
    {
        this.expectedBalances = count;
        return this;
    }

    public int expectedBalances()
    {
        return expectedBalances;
    }

    public EngineConfig expectedOrders(final int count)
    {
        this.expectedOrders = count;
        return this;
    }

    public int expectedOrders()
    {
        return expectedOrders;
    }

    public EngineConfig maxKitComponents(final int count)
    {
        this.maxKitComponents = count;
        return this;
    }

    public int maxKitComponents()
    {
        return maxKitComponents;
    }

    public EngineConfig conclude()
    {
        if (dedupWindowMillis <= 0)
        {
            throw new IllegalArgumentException("dedupWindowMillis must be positive: " + dedupWindowMillis);
        }
        if (dedupCapacity < 1 || finishedOrderCapacity < 1)
        {
            throw new IllegalArgumentException("dedup and finished-order capacities must be at least 1");
        }
        if (dedupAnswerInts < 0 || dedupAnswerInts > 1 << 30)
        {
            throw new IllegalArgumentException("dedupAnswerInts must be 0.." + (1 << 30) + ": " + dedupAnswerInts);
        }
        if (expectedBalances < 1 || expectedOrders < 1 || maxKitComponents < 1)
        {
            throw new IllegalArgumentException("expected sizes and maxKitComponents must be at least 1");
        }
        return this;
    }
}
