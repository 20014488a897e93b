package io.stockengine.gateway.binary;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Field;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

import io.netty.buffer.AbstractByteBuf;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;

/**
 * Turns Netty's leak reports into test failures. Surefire runs with paranoid leak detection, which tracks every
 * buffer, but a leak is only reported (as a log line) after the buffer is collected and another is allocated; this
 * listens for those reports and forces the collection.
 */
public final class LeakCheck
{
    private static final ConcurrentLinkedQueue<String> LEAKS = new ConcurrentLinkedQueue<>();
    private static final AtomicBoolean INSTALLED = new AtomicBoolean();

    private LeakCheck()
    {
    }

    /** Starts listening for leak reports; call before the test allocates. */
    public static void install()
    {
        if (!INSTALLED.compareAndSet(false, true))
        {
            return;
        }
        try
        {
            // The buffer detector is package-private in Netty; reflection on a class-path class needs no opens.
            final Field field = AbstractByteBuf.class.getDeclaredField("leakDetector");
            field.setAccessible(true);
            final ResourceLeakDetector<?> detector = (ResourceLeakDetector<?>)field.get(null);
            detector.setLeakListener((type, records) -> LEAKS.add(type + records));
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new IllegalStateException("cannot listen for Netty's leak reports", ex);
        }
    }

    /** Collects garbage and allocates until Netty has looked at every dead buffer, then fails on any leak seen. */
    public static void assertNoLeaks()
    {
        for (int round = 0; round < 5; round++)
        {
            System.gc();
            try
            {
                Thread.sleep(20);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                break;
            }
            for (int i = 0; i < 4; i++)
            {
                final ByteBuf pooled = PooledByteBufAllocator.DEFAULT.directBuffer(16);
                pooled.release();
                final ByteBuf unpooled = UnpooledByteBufAllocator.DEFAULT.heapBuffer(16);
                unpooled.release();
            }
        }
        assertEquals("[]", LEAKS.toString(), "Netty reported leaked buffers");
    }
}
