package io.stockengine.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
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

    @Test
    void shouldTakeTheReplyThreadSettingAndExplainAWrongOne() throws Exception
    {
        assertEquals("shared", configure().conclude().replyThread);
        assertEquals("own", configure("--reply-thread", "own").conclude().replyThread);
        final IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class,
            () -> configure("--reply-thread", "both").conclude());
        assertEquals("reply-thread must be shared or own, got both", wrong.getMessage());
    }

    @Test
    void shouldTakeTheTransportSetting() throws Exception
    {
        assertEquals("nio", configure().conclude().transport);
        assertEquals("epoll", configure("--transport", "epoll").conclude().transport);
        final IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class,
            () -> configure("--transport", "kqueue").conclude());
        assertEquals("transport must be nio or epoll, got kqueue", wrong.getMessage());
    }

    /** An availability query of a thousand SKUs of the longest names needs a request line of about 72 KB. */
    @Test
    void shouldTakeTheRequestLineLimitAndExplainAWrongOne() throws Exception
    {
        assertEquals(8192, configure().conclude().maxInitialLineBytes);
        assertEquals(72_000, configure("--max-request-line-bytes", "72000").conclude().maxInitialLineBytes);
        final IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class,
            () -> configure("--max-request-line-bytes", "100").conclude());
        assertEquals("max-request-line-bytes must be 1024..131072, got 100", wrong.getMessage());
    }

    @Test
    void shouldTakeTheJournalThreadSettingAndRefuseLogicBesideAReplyThreadOfItsOwn() throws Exception
    {
        assertEquals("logic", configure().conclude().journalThread);
        assertEquals("own", configure("--journal-thread", "own").conclude().journalThread);
        final GatewayConfig replyOfItsOwn = configure("--reply-thread", "own").conclude();
        assertEquals("own", replyOfItsOwn.journalThread, "a reply thread of its own brings a journal thread");
        assertEquals("own", replyOfItsOwn.replyThread);
        final IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class,
            () -> configure("--journal-thread", "reply").conclude());
        assertEquals("journal-thread must be own or logic, got reply", wrong.getMessage());
        final IllegalArgumentException both = assertThrows(IllegalArgumentException.class,
            () -> configure("--journal-thread", "logic", "--reply-thread", "own").conclude());
        assertEquals("journal-thread logic answers on the logic thread: it cannot be combined with reply-thread own",
            both.getMessage());
    }

    @Test
    void shouldTakeTheEngineSizesAndExplainAWrongOne() throws Exception
    {
        final GatewayConfig defaults = configure().conclude();
        assertEquals(10_000_000, defaults.dedupCapacity);
        assertEquals(1 << 16, defaults.expectedBalances);
        final GatewayConfig sized = configure("--expected-balances", "10000000", "--expected-orders", "2000000",
            "--dedup-capacity", "500000", "--finished-order-capacity", "40000000").conclude();
        assertEquals(10_000_000, sized.expectedBalances);
        assertEquals(40_000_000, sized.finishedOrderCapacity);
        // A flag given twice takes its last value, as a key repeated in the config file does.
        assertEquals(300_000, configure("--dedup-capacity", "500000", "--dedup-capacity", "300000").conclude()
            .dedupCapacity);
        assertEquals(10_000_000, defaults.finishedOrderCapacity);
        assertEquals("finished-order-capacity must be at least 1, got 0", assertThrows(IllegalArgumentException.class,
            () -> configure("--finished-order-capacity", "0").conclude()).getMessage());
        assertEquals(2_000_000, sized.expectedOrders);
        assertEquals(500_000, sized.dedupCapacity);
        final IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class,
            () -> configure("--expected-balances", "0").conclude());
        assertEquals("expected-balances must be 1..600000000, got 0", wrong.getMessage());
        final IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
            () -> configure("--dedup-capacity", "-5").conclude());
        assertEquals("dedup-capacity must be at least 1, got -5", none.getMessage());
        assertEquals(64, defaults.dedupAnswerMib);
        // Connections: as many as half of the heap holds at their worst, from 256 to 10,000.
        assertEquals(682, GatewayConfig.defaultMaxConnections(2L << 30));
        assertEquals(10_000, GatewayConfig.defaultMaxConnections(64L << 30));
        assertEquals(256, GatewayConfig.defaultMaxConnections(256L << 20));
        assertEquals(GatewayConfig.defaultMaxConnections(Runtime.getRuntime().maxMemory()), defaults.maxConnections);
        assertEquals(Math.min(256, defaults.maxConnections / 4), defaults.maxStreams,
            "streams never take every connection");
        assertEquals(75, configure("--max-connections", "300").conclude().maxStreams);
        assertEquals(0, configure("--max-streams", "0").conclude().maxStreams);
        assertEquals(0, configure("--dedup-answer-mib", "0").conclude().dedupAnswerMib);
        final IllegalArgumentException tooMuch = assertThrows(IllegalArgumentException.class,
            () -> configure("--dedup-answer-mib", "4097").conclude());
        assertEquals("dedup-answer-mib must be 0..4096, got 4097", tooMuch.getMessage());
    }

    @Test
    void shouldTakeTheJournalAndSnapshotSettingsAndExplainAWrongOne() throws Exception
    {
        final GatewayConfig defaults = configure().conclude();
        assertEquals("LARGE_DAILY", defaults.rollCycle);
        assertEquals(50_000_000L, defaults.snapshotEveryEvents);
        assertEquals(600, defaults.snapshotEverySeconds);
        assertEquals(2, defaults.snapshotsKept);
        assertEquals(1 << 20, defaults.maxFrameBytes);
        final GatewayConfig set = configure("--roll-cycle", "FAST_HOURLY", "--snapshot-every-events", "1000000",
            "--snapshot-every-s", "60", "--snapshots-kept", "5", "--max-frame-bytes", "4096").conclude();
        assertEquals("FAST_HOURLY", set.rollCycle);
        assertEquals(1_000_000L, set.snapshotEveryEvents);
        assertEquals(60, set.snapshotEverySeconds);
        assertEquals(5, set.snapshotsKept);
        assertEquals(4096, set.maxFrameBytes);
        final IllegalArgumentException cycle = assertThrows(IllegalArgumentException.class,
            () -> configure("--roll-cycle", "WEEKLYISH").conclude());
        assertTrue(cycle.getMessage().startsWith("roll-cycle: unknown roll cycle 'WEEKLYISH'") &&
            cycle.getMessage().contains("FIVE_MINUTELY") && cycle.getMessage().contains("LARGE_DAILY"),
            cycle.getMessage());
        assertFalse(cycle.getMessage().contains("WEEKLY,"), "the cycle refused below is not offered");
        // A journal written WEEKLY could not be read back (its weeks count from an epoch of their own): refused.
        final IllegalArgumentException weekly = assertThrows(IllegalArgumentException.class,
            () -> configure("--roll-cycle", "WEEKLY").conclude());
        assertTrue(weekly.getMessage().startsWith("roll-cycle: roll cycle WEEKLY is not supported"),
            weekly.getMessage());
        final IllegalArgumentException kept = assertThrows(IllegalArgumentException.class,
            () -> configure("--snapshots-kept", "0").conclude());
        assertEquals("snapshots-kept must be 1..1000, got 0", kept.getMessage());
    }

    /** A yes/no key takes true or false only: "yes" must not turn snapshots off without a word. */
    @Test
    void shouldRefuseABooleanSettingThatIsNotTrueOrFalse(@org.junit.jupiter.api.io.TempDir final java.nio.file.Path dir)
        throws Exception
    {
        final java.nio.file.Path file = java.nio.file.Files.writeString(dir.resolve("server.properties"),
            "snapshots=yes\n");
        final IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class,
            () -> configure("--config", file.toString()));
        assertEquals("--config " + file + ": setting 'snapshots' must be true or false, got 'yes'",
            wrong.getMessage());
        java.nio.file.Files.writeString(file, "htpp-port=8081\n");
        final IllegalArgumentException typo = assertThrows(IllegalArgumentException.class,
            () -> configure("--config", file.toString()));
        assertEquals("--config " + file + ": unknown setting 'htpp-port' in the config file", typo.getMessage());
        java.nio.file.Files.writeString(file, "snapshots=FALSE\nroll-cycle=FAST_HOURLY\n" +
            "finished-order-capacity=30000000\n");
        final GatewayConfig off = configure("--config", file.toString()).conclude();
        assertEquals(false, off.snapshots);
        assertEquals("FAST_HOURLY", off.rollCycle);
        assertEquals(30_000_000, off.finishedOrderCapacity);
    }

    /** A config file in another encoding is named as such, not as the decoder's "Input length = 1". */
    @Test
    void shouldSayAConfigFileIsNotUtf8(@org.junit.jupiter.api.io.TempDir final java.nio.file.Path dir) throws Exception
    {
        final java.nio.file.Path file = java.nio.file.Files.write(dir.resolve("server.properties"),
            "# caf\u00e9\nhttp-port=8081\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        final IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class,
            () -> configure("--config", file.toString()));
        assertEquals("--config " + file + " is not UTF-8 text; save it as UTF-8", wrong.getMessage());
    }

    /** A failed start says what to fix: the host, the port, the directory; not an exception's class name. */
    @Test
    void shouldExplainAFailedStartInWords(@org.junit.jupiter.api.io.TempDir final java.nio.file.Path dir)
        throws Exception
    {
        final IllegalArgumentException same = assertThrows(IllegalArgumentException.class,
            () -> configure("--http-port", "18082", "--tcp-port", "18082").conclude());
        assertEquals("http-port and tcp-port must differ, both are 18082", same.getMessage());
        // An empty value (an unset variable) would put a journal in the working directory.
        assertEquals("data-dir must name a directory, got an empty value", assertThrows(IllegalArgumentException.class,
            () -> configure("--data-dir", "").conclude()).getMessage());
        final java.nio.file.Path emptyInFile = java.nio.file.Files.writeString(dir.resolve("empty.properties"),
            "data-dir=\n");
        assertEquals("data-dir must name a directory, got an empty value", assertThrows(IllegalArgumentException.class,
            () -> configure("--config", emptyInFile.toString()).conclude()).getMessage());
        final GatewayConfig config = configure("--host", "999.1.1.1", "--http-port", "18081", "--tcp-port", "19091");
        assertEquals("--host 999.1.1.1 is not an address this machine can listen on",
            ServerMain.startFailure(new java.nio.channels.UnresolvedAddressException(), config));
        assertTrue(ServerMain.startFailure(new IllegalStateException("Unable to claim exclusive exclusive lock on " +
            "file /d/journal/metadata.cq4t"), config).contains("most likely damaged"));
        assertEquals("the HTTP port 18081 is already in use (by another engine or program); pick another with " +
            "--http-port", ServerMain.startFailure(new java.net.BindException("Address already in use"), config));
        assertEquals("the journal cannot be written: /d/journal is not writable by this user",
            ServerMain.startFailure(new IllegalStateException("the journal cannot be written: /d/journal is not " +
                "writable by this user"), config));
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1,
            java.net.InetAddress.getLoopbackAddress()))
        {
            final GatewayConfig clash = configure("--data-dir", dir.toString(), "--http-port", "0", "--tcp-port",
                String.valueOf(taken.getLocalPort()));
            final Exception failed = assertThrows(Exception.class, () -> StockServer.start(clash, line -> { }));
            assertEquals("the binary protocol's port " + taken.getLocalPort() + " is already in use (by another " +
                "engine or program); pick another with --tcp-port", ServerMain.startFailure(failed, clash));
            // Both taken: both named at once, not one start at a time (a newcomer moved one and met the other).
            try (java.net.ServerSocket alsoTaken = new java.net.ServerSocket(0, 1,
                java.net.InetAddress.getLoopbackAddress()))
            {
                final GatewayConfig both = configure("--data-dir", dir.toString(), "--http-port",
                    String.valueOf(alsoTaken.getLocalPort()), "--tcp-port", String.valueOf(taken.getLocalPort()));
                final Exception bothFailed = assertThrows(Exception.class, () -> StockServer.start(both, line -> { }));
                assertEquals("the HTTP port " + alsoTaken.getLocalPort() + " and the binary protocol's port " +
                    taken.getLocalPort() + " are already in use (by another engine or program); pick others with " +
                    "--http-port and --tcp-port", ServerMain.startFailure(bothFailed, both));
            }
        }
    }

    /** Out of memory in any thread the server stops (status 3) and says why; other errors are only reported. */
    @Test
    void shouldStopAtOnceWhenAThreadRunsOutOfMemory()
    {
        final java.io.ByteArrayOutputStream text = new java.io.ByteArrayOutputStream();
        final java.io.PrintStream err = new java.io.PrintStream(text, true, java.nio.charset.StandardCharsets.UTF_8);
        final java.util.List<Integer> halts = new java.util.ArrayList<>();
        ServerMain.uncaught(new Thread("io-1"), new OutOfMemoryError("Java heap space"), err, halts::add);
        assertEquals(java.util.List.of(ServerMain.OUT_OF_MEMORY_STATUS), halts);
        assertTrue(text.toString(java.nio.charset.StandardCharsets.UTF_8).contains("out of memory in thread io-1"));
        ServerMain.uncaught(new Thread("io-2"), new IllegalStateException("a defect"), err, halts::add);
        assertEquals(1, halts.size(), "only running out of memory stops the server");
        assertTrue(text.toString(java.nio.charset.StandardCharsets.UTF_8).contains("uncaught in thread io-2"));
    }

    /**
     * SIGTERM is the graceful stop: the server flushes the journal, writes a snapshot and exits 0 (the JVM's own
     * status for a SIGTERM is 143). A child JVM runs the real main, so the signal and the exit status are real.
     */
    @Test
    @org.junit.jupiter.api.Timeout(120)
    void shouldExitZeroAfterAGracefulStopOnSigterm(@org.junit.jupiter.api.io.TempDir final java.nio.file.Path dir)
        throws Exception
    {
        final java.util.List<String> command = new java.util.ArrayList<>();
        command.add(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
            .filter(a -> a.startsWith("--add-") || a.startsWith("-Dchronicle")).toList());
        command.addAll(java.util.List.of("-Xmx256m", "-cp", System.getProperty("java.class.path"),
            ServerMain.class.getName(), "--data-dir", dir.toString(), "--http-port", "0", "--tcp-port", "0",
            "--ring-size", "1024"));
        // The output goes to a file, read after the exit: reading the child's pipe while it exits can lose the
        // last lines, which are the ones this test is about.
        final java.nio.file.Path log = dir.resolve("server.log");
        final Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
            .start();
        try
        {
            final long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
            // The collector line comes once the server is running and a stop would be graceful.
            while (!java.nio.file.Files.readString(log).contains("Z gc: ") && System.nanoTime() < deadline)
            {
                Thread.sleep(20);
            }
            assertTrue(java.nio.file.Files.readString(log).contains("Z gc: "), "the server started: " +
                java.nio.file.Files.readString(log));
            child.destroy();
            assertTrue(child.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "the server stopped");
            final String output = java.nio.file.Files.readString(log);
            assertEquals(0, child.exitValue(), "exit status after SIGTERM: " + output);
            assertTrue(output.contains("shutdown: journal flushed to the disk at seq 1, the clean stop recorded in " +
                dir.resolve("clean-stop")), output);
            assertEquals("seq 1\n", java.nio.file.Files.readString(dir.resolve("clean-stop")));
            assertTrue(output.contains("shutdown: done"), output);
            assertTrue(output.lines().anyMatch(line ->
                line.matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z ready: .*")),
                "log lines carry the time they were written: " + output);
        }
        finally
        {
            child.destroyForcibly();
        }
    }

    private static GatewayConfig configure(final String... args) throws Exception
    {
        final ServerMain main = new ServerMain();
        ServerMain.commandLine(main).parseArgs(args);
        return main.configure();
    }
}
