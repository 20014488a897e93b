package io.stockengine.gateway;

import java.nio.file.Path;
import java.util.List;

/** A server on loopback, on ports of the system's choosing, without snapshots, for tests that talk to its sockets. */
final class LocalServer
{
    private LocalServer()
    {
    }

    static StockServer start(final Path dataDir, final List<String> log) throws InterruptedException
    {
        final GatewayConfig config = new GatewayConfig();
        config.host = "127.0.0.1";
        config.httpPort = 0;
        config.tcpPort = 0;
        config.dataDir = dataDir;
        config.snapshots = false;
        return StockServer.start(config, log::add);
    }
}
