package io.stockengine.client;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;

/**
 * Hands a client connection's events to its {@link ClientSession}. One instance serves every connection the
 * session makes: it keeps no state, the session does (all on the one event loop).
 */
@ChannelHandler.Sharable
final class ClientHandler extends ChannelInboundHandlerAdapter
{
    private final ClientSession session;

    ClientHandler(final ClientSession session)
    {
        this.session = session;
    }

    @Override
    public void channelActive(final ChannelHandlerContext ctx)
    {
        session.onConnected(ctx.channel());
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg)
    {
        if (msg instanceof ResultFrameDecoder.OversizeAnswer oversize)
        {
            session.onOversizeAnswer(ctx.channel(), oversize);
            return;
        }
        final ByteBuf frame = (ByteBuf)msg;
        try
        {
            session.onFrame(ctx.channel(), frame);
        }
        finally
        {
            frame.release();
        }
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx)
    {
        session.onDisconnected(ctx.channel());
    }

    @Override
    public void channelWritabilityChanged(final ChannelHandlerContext ctx)
    {
        session.onWritabilityChanged(ctx.channel());
    }

    @Override
    public void userEventTriggered(final ChannelHandlerContext ctx, final Object event)
    {
        if (event instanceof IdleStateEvent)
        {
            session.heartbeat(ctx.channel());
        }
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
    {
        // A reset or a failed write: the session reconnects when the channel is closed.
        ctx.close();
    }
}
