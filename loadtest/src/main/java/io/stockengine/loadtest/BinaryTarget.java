package io.stockengine.loadtest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import io.stockengine.client.CommandResult;
import io.stockengine.client.Line;
import io.stockengine.client.StockClient;
import io.stockengine.client.StockClientException;
import io.stockengine.engine.Command;
import io.stockengine.engine.ResultCode;
import io.stockengine.gateway.binary.RowKind;

/**
 * The binary protocol through the project's Java client: one {@link StockClient} (one TCP connection, its own event
 * loop) per connection. The client pipelines and batches by itself; the generator bounds what is in flight.
 */
final class BinaryTarget implements Target
{
    private static final long UNIT_COST_MICROS = 1_000_000;

    private final StockClient[] clients;

    BinaryTarget(final String host, final int port, final int connections, final Duration requestTimeout)
    {
        clients = new StockClient[connections];
        try
        {
            for (int i = 0; i < connections; i++)
            {
                // The generator bounds in-flight requests itself; the client's own bound must never be the one hit.
                clients[i] = StockClient.builder().host(host).port(port).nativeTransport(true)
                    .requestTimeout(requestTimeout).maxPending(Integer.MAX_VALUE).connect();
            }
        }
        catch (final RuntimeException ex)
        {
            close();
            throw ex;
        }
    }

    @Override
    public int connections()
    {
        return clients.length;
    }

    @Override
    public boolean pipelined()
    {
        return true;
    }

    @Override
    public String protocol()
    {
        return "binary";
    }

    @Override
    public void send(final int connection, final Op op, final Completion completion)
    {
        final CompletableFuture<CommandResult> answer;
        try
        {
            answer = submit(clients[connection], op);
        }
        catch (final RuntimeException ex)
        {
            completion.completed(op, Outcome.of(Codes.CLIENT_ERROR));
            return;
        }
        answer.whenComplete((result, failure) -> completion.completed(op,
            result != null ? outcome(result) : Outcome.of(failureCode(failure))));
    }

    private static CompletableFuture<CommandResult> submit(final StockClient client, final Op op)
    {
        switch (op.kind)
        {
            case OpKind.RESERVE:
                return client.reserve(op.orderId, op.channel, op.ttlSeconds, op.lines);
            case OpKind.PICK:
                return client.pick(op.orderId);
            case OpKind.SHIP:
                return client.ship(op.orderId);
            case OpKind.CANCEL:
                return client.cancel(op.orderId);
            case OpKind.SALE:
                return client.sale(op.key, op.channel, op.location, op.lines);
            case OpKind.RECEIVE:
                return client.receive(op.key, op.sku, op.location, op.quantity, UNIT_COST_MICROS, null, false);
            case OpKind.AVAILABILITY:
                return client.queryAvailability(op.channel, op.names);
            case OpKind.STOCK:
                return client.queryStock(op.sku);
            case OpKind.ORDER:
                return client.queryOrder(op.orderId);
            case OpKind.CHANNEL:
                return client.configureChannel(null, op.channel, op.quantity, List.of(op.names),
                    op.lines == null ? List.<Line>of() : List.of(op.lines));
            default:
                throw new IllegalArgumentException("kind " + op.kind);
        }
    }

    private static int failureCode(final Throwable failure)
    {
        final Throwable cause = failure instanceof CompletionException && failure.getCause() != null ?
            failure.getCause() : failure;
        if (cause instanceof StockClientException)
        {
            switch (((StockClientException)cause).kind())
            {
                case TIMEOUT:
                    return Codes.TIMEOUT;
                case NOT_SENT:
                    return Codes.NOT_SENT;
                case CONNECTION_LOST:
                case CLOSED:
                    return Codes.CONNECTION_LOST;
                default:
                    return Codes.CLIENT_ERROR;
            }
        }
        return Codes.CLIENT_ERROR;
    }

    static Outcome outcome(final CommandResult r)
    {
        switch (r.rowKind())
        {
            case RowKind.ORDER_LINES:
            {
                final List<Outcome.OrderLine> lines = new ArrayList<>(r.rowCount());
                for (int row = 0; row < r.rowCount(); row++)
                {
                    lines.add(new Outcome.OrderLine(r.rowSku(row), r.rowLocation(row),
                        r.value(row, Command.LINE_QUANTITY), r.value(row, Command.LINE_RESERVED),
                        r.value(row, Command.LINE_PICKED), r.value(row, Command.LINE_SHIPPED),
                        r.value(row, Command.LINE_CANCELLED)));
                }
                return Outcome.order(r.code(), r.status(), r.outTime(), lines);
            }
            case RowKind.STOCK:
            {
                final List<Outcome.StockRow> rows = new ArrayList<>(r.rowCount());
                for (int row = 0; row < r.rowCount(); row++)
                {
                    rows.add(new Outcome.StockRow(r.rowLocation(row), r.value(row, Command.STOCK_ON_HAND),
                        r.value(row, Command.STOCK_SELLABLE), r.value(row, Command.STOCK_RESERVED),
                        r.value(row, Command.STOCK_PICKED), r.value(row, Command.STOCK_QUALITY_CONTROL),
                        r.value(row, Command.STOCK_DAMAGED)));
                }
                return Outcome.stock(r.code(), rows);
            }
            case RowKind.SHORTFALL:
            {
                final List<Outcome.Shortfall> rows = new ArrayList<>(r.rowCount());
                for (int row = 0; row < r.rowCount(); row++)
                {
                    rows.add(new Outcome.Shortfall(r.rowSku(row), r.rowLocation(row),
                        r.value(row, Command.SHORTFALL_REQUESTED), r.value(row, Command.SHORTFALL_AVAILABLE)));
                }
                return Outcome.refused(r.code(), rows);
            }
            default:
                return r.code() >= 0 && r.code() < ResultCode.COUNT_OF_CODES ? Outcome.of(r.code()) :
                    Outcome.of(Codes.CLIENT_ERROR);
        }
    }

    @Override
    public void close()
    {
        for (final StockClient client : clients)
        {
            if (client != null)
            {
                client.close();
            }
        }
    }
}
