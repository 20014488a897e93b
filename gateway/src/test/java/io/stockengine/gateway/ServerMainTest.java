package io.stockengine.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;

import org.junit.jupiter.api.Test;

class ServerMainTest
{
    @Test
    void shouldNameTheRunningCollectorAndHintAtZgcOnlyWhenItIsNotZgc()
    {
        final String advice = ServerMain.collectorAdvice();
        boolean z = false;
        for (final GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans())
        {
            assertTrue(advice.contains(gc.getName()), advice);
            z |= gc.getName().startsWith("ZGC");
        }
        assertTrue(advice.startsWith("gc: "), advice);
        assertEquals(!z, advice.contains("-XX:+UseZGC"), advice);
    }
}
