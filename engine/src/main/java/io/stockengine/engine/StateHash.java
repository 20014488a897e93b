package io.stockengine.engine;

/**
 * A 64-bit running hash over state values, order-sensitive, for comparing an engine with its replay.
 */
public final class StateHash
{
    private StateHash()
    {
    }

    public static long mix(final long h, final long value)
    {
        long x = (h ^ value) * 0x9E37_79B9_7F4A_7C15L;
        x ^= x >>> 31;
        return x * 0xBF58_476D_1CE4_E5B9L + 0x94D0_49BB_1331_11EBL;
    }

    public static long mix(final long h, final CharSequence text)
    {
        long x = mix(h, text == null ? -1 : text.length());
        if (text != null)
        {
            for (int i = 0; i < text.length(); i++)
            {
                x = mix(x, text.charAt(i));
            }
        }
        return x;
    }
}
