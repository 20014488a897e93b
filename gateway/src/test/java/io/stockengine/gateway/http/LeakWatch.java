package io.stockengine.gateway.http;

import static org.junit.jupiter.api.Assertions.fail;

import java.lang.reflect.Field;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.netty.buffer.AbstractByteBuf;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;

/**
 * Turns Netty's leak reports into test failures. The paranoid detector tracks every buffer but only logs a leak,
 * and only once the leaked buffer has been collected and another buffer is allocated; {@link #assertNoLeaks} forces
 * both.
 * <p>
 * The buffer detector has a single listener slot, which the binary protocol's tests (same JVM) use too: this
 * listener passes every report on to the one it replaced, and {@link #install} hooks it in again whenever another
 * took its place. Leaks whose records point into the binary protocol's code are left to those tests.
 */
final class LeakWatch
{
    private static final List<String> LEAKS = new CopyOnWriteArrayList<>();
    private static final ResourceLeakDetector<?> DETECTOR;
    private static final Field LISTENER_FIELD;
    private static volatile ResourceLeakDetector.LeakListener previous;
    private static final ResourceLeakDetector.LeakListener LISTENER = (type, records) ->
    {
        if (!records.contains("io.stockengine.gateway.binary") && !records.contains("io.stockengine.client"))
        {
            LEAKS.add(type + ": " + records);
        }
        final ResourceLeakDetector.LeakListener next = previous;
        if (next != null)
        {
            next.onLeak(type, records);
        }
    };

    static
    {
        try
        {
            // Package-private in Netty; reflection on class-path classes needs no --add-opens.
            final Field detector = AbstractByteBuf.class.getDeclaredField("leakDetector");
            detector.setAccessible(true);
            DETECTOR = (ResourceLeakDetector<?>)detector.get(null);
            LISTENER_FIELD = ResourceLeakDetector.class.getDeclaredField("leakListener");
            LISTENER_FIELD.setAccessible(true);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private LeakWatch()
    {
    }

    /** Hooks the listener in (again, if another replaced it); call before the buffers to watch are allocated. */
    static synchronized void install()
    {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        try
        {
            final ResourceLeakDetector.LeakListener current =
                (ResourceLeakDetector.LeakListener)LISTENER_FIELD.get(DETECTOR);
            if (current != LISTENER)
            {
                previous = current;
                DETECTOR.setLeakListener(LISTENER);
            }
        }
        catch (final IllegalAccessException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    static void assertNoLeaks()
    {
        // Two rounds: a buffer that became unreachable during the first collection's reference processing is found
        // by the second.
        for (int round = 0; round < 2; round++)
        {
            System.gc();
            try
            {
                Thread.sleep(50);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                return;
            }
            // Every allocation polls the detector's queue of collected, never released buffers.
            for (int i = 0; i < 64; i++)
            {
                final ByteBuf pooled = ByteBufAllocator.DEFAULT.buffer(16);
                pooled.release();
                final ByteBuf direct = UnpooledByteBufAllocator.DEFAULT.directBuffer(16);
                direct.release();
            }
        }
        if (!LEAKS.isEmpty())
        {
            final String report = String.join("\n\n", LEAKS);
            LEAKS.clear();
            fail("ByteBuf leaks:\n" + report);
        }
    }
}
