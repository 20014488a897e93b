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

    /**
     * Four characters per step: a command's fingerprint mixes its order id, channel and SKUs, and one step per
     * character made that a tenth of a reservation's time. The length goes in first, so trailing zero characters
     * still change the hash.
     */
    public static long mix(final long h, final CharSequence text)
    {
        if (text == null)
        {
            return mix(h, -1);
        }
        final int length = text.length();
        long x = mix(h, length);
        int i = 0;
        for (; i + 4 <= length; i += 4)
        {
            x = mix(x, text.charAt(i) | (long)text.charAt(i + 1) << 16 | (long)text.charAt(i + 2) << 32 |
                (long)text.charAt(i + 3) << 48);
        }
        if (i < length)
        {
            long tail = 0;
            for (int shift = 0; i < length; i++, shift += 16)
            {
                tail |= (long)text.charAt(i) << shift;
            }
            x = mix(x, tail);
        }
        return x;
    }
}
