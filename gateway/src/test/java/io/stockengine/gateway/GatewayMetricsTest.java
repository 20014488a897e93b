package io.stockengine.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import io.stockengine.engine.CommandType;
import io.stockengine.engine.ResultCode;

class GatewayMetricsTest
{
    /** Every result code has a counter of its own: UNAVAILABLE was once counted as INTERNAL_ERROR. */
    @Test
    void shouldCountEveryResultCodeApart()
    {
        final GatewayMetrics metrics = new GatewayMetrics();
        for (int code = 0; code < ResultCode.COUNT_OF_CODES; code++)
        {
            for (int n = 0; n <= code; n++)
            {
                metrics.answered(CommandType.SALE, code, 0);
            }
        }
        for (int code = 0; code < ResultCode.COUNT_OF_CODES; code++)
        {
            assertEquals(code + 1, metrics.commands(CommandType.SALE, code), ResultCode.name(code));
            assertEquals(0, metrics.commands(CommandType.RESERVE, code), ResultCode.name(code));
        }
    }

    /**
     * One slow minute (a start-up burst) must leave the latency quantiles once a minute has passed, while the count
     * and sum, which Prometheus needs monotonic, keep everything since the start.
     */
    @Test
    void shouldForgetLatenciesAMinuteOldButKeepCountingThem()
    {
        final GatewayMetrics metrics = new GatewayMetrics();
        metrics.answered(CommandType.RESERVE, ResultCode.OK, 1_000_000_000L);
        metrics.rotateLatencyWindow();
        metrics.answered(CommandType.RESERVE, ResultCode.OK, 1_000L);
        assertEquals(2, metrics.recentLatency().getTotalCount());
        for (int i = 1; i < GatewayMetrics.LATENCY_WINDOWS; i++)
        {
            metrics.rotateLatencyWindow();
        }
        assertEquals(1, metrics.recentLatency().getTotalCount(), "the slow answer's window is gone");
        assertEquals(1_000, metrics.recentLatency().getMaxValue(), 1_000 / 100 + 1);
        metrics.rotateLatencyWindow();
        assertEquals(0, metrics.recentLatency().getTotalCount());
        assertEquals(2, metrics.latency().getTotalCount(), "the count since the start keeps both");
    }
}
