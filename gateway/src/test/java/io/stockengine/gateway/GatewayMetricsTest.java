package io.stockengine.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import io.stockengine.engine.CommandType;
import io.stockengine.engine.ResultCode;

class GatewayMetricsTest
{
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
