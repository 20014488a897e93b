package io.stockengine.loadtest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import io.stockengine.gateway.GatewayConfig;
import io.stockengine.gateway.StockServer;

/** A real server in this JVM on free ports, its journal in a temporary directory (tmpfs when there is one). */
final class TestServer implements AutoCloseable
{
    final StockServer server;
    private final Path dir;

    TestServer() throws Exception
    {
        final Path shm = Path.of("/dev/shm");
        dir = Files.isDirectory(shm) && Files.isWritable(shm) ? Files.createTempDirectory(shm, "loadtest-test-") :
            Files.createTempDirectory("loadtest-test-");
        final GatewayConfig config = new GatewayConfig();
        config.httpPort = 0;
        config.tcpPort = 0;
        config.dataDir = dir;
        config.snapshots = false;
        server = StockServer.start(config, line ->
        {
        });
    }

    /** A short, low-rate run of a scenario against this server. */
    LoadConfig config(final String scenario, final String protocol, final Path out)
    {
        final LoadConfig config = new LoadConfig();
        config.scenario = scenario;
        config.protocol = protocol;
        config.tcpPort = server.tcpPort();
        config.httpPort = server.httpPort();
        config.rate = 300;
        config.durationSeconds = 2;
        config.warmupSeconds = 0;
        config.connections = 4;
        config.skus = 200;
        config.locations = 3;
        config.ttlSeconds = 1;
        config.ttlFraction = 0.2;
        config.hotStock = 20;
        config.requestTimeoutSeconds = 10;
        config.out = out;
        config.charts = false;
        return config;
    }

    @Override
    public void close() throws IOException
    {
        server.close();
        try (Stream<Path> files = Files.walk(dir))
        {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }
}
