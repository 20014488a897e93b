package io.stockengine.benchmarks.peers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class WorkloadTest
{
    @Test
    void shouldPutNinetyPercentOfTheFlashMixOnTenSkus()
    {
        final SplittableRandom random = new SplittableRandom(42);
        final int draws = 1_000_000;
        int hot = 0;
        int uniformHot = 0;
        for (int i = 0; i < draws; i++)
        {
            final int sku = Workload.FLASH.nextSku(random, Workload.DEFAULT_SKUS);
            assertTrue(sku >= 1 && sku <= Workload.DEFAULT_SKUS);
            hot += sku <= Workload.HOT_SKUS ? 1 : 0;
            uniformHot += Workload.UNIFORM.nextSku(random, Workload.DEFAULT_SKUS) <= Workload.HOT_SKUS ? 1 : 0;
        }
        assertEquals(0.90, hot / (double)draws, 0.002);
        assertTrue(uniformHot < draws / 1000, "the uniform mix has no hot SKUs: " + uniformHot);
    }

    @Test
    void shouldSpellOrderIdsTheSameOverHttpAsOverBinary()
    {
        final SplittableRandom random = new SplittableRandom(7);
        final byte[] hex = new byte[16];
        for (final long id : new long[] {0, 1, 15, 16, -1, Long.MIN_VALUE, Long.MAX_VALUE})
        {
            assertEquals(Workload.orderId(id), "o-" + new String(hex, 0, HttpDriver.hex(id, hex),
                StandardCharsets.US_ASCII));
        }
        for (int i = 0; i < 10_000; i++)
        {
            final long id = random.nextLong();
            assertEquals(Workload.orderId(id), "o-" + new String(hex, 0, HttpDriver.hex(id, hex),
                StandardCharsets.US_ASCII));
        }
    }

    @Test
    void shouldBuildReserveRequestsTheApiAccepts()
    {
        final String end = new String(HttpDriver.requestEnds("127.0.0.1:8080", 3)[2], StandardCharsets.US_ASCII);
        final String body = "{\"channel\":\"web\",\"lines\":[{\"sku\":\"SKU-2\",\"location\":\"WH1\",\"quantity\":1}]}";
        assertEquals(" HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nContent-Type: application/json\r\nContent-Length: " +
            body.length() + "\r\n\r\n" + body, end);
    }
}
