package dev.covet.pg.wire;

import dev.covet.pg.wire.AuthRequirements.Method;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.ssl.SslHandler;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the server's authentication requests on a new connection before vertx-pg-client's codec
 * sees them, and closes the connection when one asks for what {@link AuthRequirements} refuses:
 * the driver would answer a request for the password in clear text from whoever poses as the
 * server, and has no option to refuse it. It sits between TLS and the codec, so it reads the
 * protocol in plain text, and it leaves the pipeline at AuthenticationOk (or the server's error).
 *
 * <p>Before the StartupMessage the server's bytes are not framed as messages (the answer to an
 * SSLRequest is one byte), so the guard reads nothing until it has seen the StartupMessage go out.
 */
public final class AuthenticationGuard extends ChannelDuplexHandler {

    /** The name of the handler in the channel pipeline. */
    public static final String NAME = "covetpg-authentication";

    /** Protocol 3.0 in a StartupMessage. */
    private static final int PROTOCOL_3_0 = 196608;
    private static final String SCRAM_PLUS = "SCRAM-SHA-256-PLUS";
    /** Authentication messages are small; a longer one is not read into memory. */
    private static final int MAX_MESSAGE = 64 * 1024;

    /** Why the guard closed a connection. Its message names the option and what the server asked for, never a secret. */
    public static final class RefusedException extends RuntimeException {
        RefusedException(String message) {
            super(message, null, false, false);
        }
    }

    private final AuthRequirements requirements;
    private boolean startupSent;
    private boolean finished;
    /** Server bytes not yet a whole message. */
    private ByteBuf partial;
    /** The method the server asked for; null until it asks. */
    private Method asked;
    private boolean mechanismChosen;
    private boolean plusChosen;
    private boolean scramFinal;

    public AuthenticationGuard(AuthRequirements requirements) {
        this.requirements = requirements;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (!finished && msg instanceof ByteBuf out && out.readableBytes() >= 8) {
            int at = out.readerIndex();
            if (!startupSent) {
                startupSent = out.getInt(at + 4) == PROTOCOL_3_0;
            } else if (asked == Method.SCRAM_SHA_256 && !mechanismChosen && out.getByte(at) == 'p') {
                // SASLInitialResponse: the mechanism the driver chose, then the client-first message
                // (a nonce, nothing derived from the password); the SASLResponse after it is a 'p' too
                mechanismChosen = true;
                plusChosen = SCRAM_PLUS.equals(cString(out, at + 5));
                if (requirements.channelBindingRequired() && !plusChosen) {
                    out.release();
                    RefusedException refused = refuse(ctx, "the driver chose SCRAM without channel binding although the server"
                            + " offers it");
                    promise.setFailure(refused);
                    return;
                }
            }
        }
        ctx.write(msg, promise);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (finished || !startupSent || !(msg instanceof ByteBuf in)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (partial == null) {
            partial = in;
        } else {
            partial = ctx.alloc().compositeBuffer().addComponents(true, partial, in);
        }
        while (!finished && partial.readableBytes() >= 5) {
            int at = partial.readerIndex();
            byte type = partial.getByte(at);
            int length = partial.getInt(at + 1);
            if (length < (type == 'R' ? 8 : 4) || length > MAX_MESSAGE) {
                refuse(ctx, "the server sent a message of " + length + " bytes while authenticating");
                return;
            }
            if (partial.readableBytes() < length + 1) {
                return;
            }
            ByteBuf message = partial.readRetainedSlice(length + 1);
            String refusal = type == 'R' ? check(ctx, message) : null;
            if (refusal != null) {
                message.release();
                refuse(ctx, refusal);
                return;
            }
            if (type == 'E' || (type == 'R' && message.getInt(message.readerIndex() + 5) == 0)) {
                // the server's error, or AuthenticationOk: what follows is the driver's alone
                finished = true;
            }
            ctx.fireChannelRead(message);
        }
        if (finished) {
            leave(ctx, true);
        } else if (!partial.isReadable()) {
            partial.release();
            partial = null;
        }
    }

    /** Why an AuthenticationRequest must not be answered; null when it may. */
    private String check(ChannelHandlerContext ctx, ByteBuf message) {
        int at = message.readerIndex();
        int code = message.getInt(at + 5);
        if (code == 0) {
            Method used = asked == null ? Method.NONE : asked;
            if (!requirements.allowed().contains(used)) {
                return "the server asked for " + used.asked();
            }
            if (requirements.channelBindingRequired() && asked == null) {
                return "the server asked for " + Method.NONE.asked() + ", not SCRAM with channel binding";
            }
            if (requirements.channelBindingRequired() && !(plusChosen && scramFinal)) {
                return "the server ended authentication without completing SCRAM with channel binding";
            }
            return null;
        }
        if (code == 8 || code == 11) {
            return null; // GSS or SASL continue: the method was checked when it began
        }
        if (code == 12) {
            scramFinal = true;
            return null;
        }
        Method method = Method.ofRequest(code);
        if (method == null) {
            return "the server sent authentication request " + code + ", which covetpg does not know";
        }
        asked = method;
        if (!requirements.allowed().contains(method)) {
            return "the server asked for " + method.asked();
        }
        if (requirements.channelBindingRequired()) {
            if (method != Method.SCRAM_SHA_256) {
                return "the server asked for " + method.asked() + ", not SCRAM with channel binding";
            }
            List<String> mechanisms = mechanisms(message, at + 9);
            if (ctx.pipeline().get(SslHandler.class) == null) {
                return "the connection has no TLS to bind SCRAM to (set sslMode=require or a stronger mode)";
            }
            if (!mechanisms.contains(SCRAM_PLUS)) {
                return "the server offers " + String.join(", ", mechanisms) + " and not " + SCRAM_PLUS;
            }
        }
        return null;
    }

    private RefusedException refuse(ChannelHandlerContext ctx, String why) {
        finished = true;
        RefusedException refused = new RefusedException("covetpg did not authenticate: " + why + ", which "
                + requirements.describe() + " does not allow; the connection was closed before anything derived from the"
                + " password was sent");
        leave(ctx, false);
        ctx.fireExceptionCaught(refused);
        ctx.close();
        return refused;
    }

    /** Takes the guard out of the pipeline, handing on what is left of the server's bytes when {@code forward}. */
    private void leave(ChannelHandlerContext ctx, boolean forward) {
        ByteBuf rest = partial;
        partial = null;
        if (rest != null) {
            if (forward && rest.isReadable()) {
                ctx.fireChannelRead(rest);
            } else {
                rest.release();
            }
        }
        if (ctx.pipeline().context(this) != null) {
            ctx.pipeline().remove(this);
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (partial != null) {
            partial.release();
            partial = null;
        }
    }

    private static List<String> mechanisms(ByteBuf message, int from) {
        List<String> names = new ArrayList<>();
        int at = from;
        int end = message.readerIndex() + message.readableBytes();
        while (at < end && message.getByte(at) != 0) {
            String name = cString(message, at);
            names.add(name);
            at += name.getBytes(StandardCharsets.UTF_8).length + 1;
        }
        return names;
    }

    private static String cString(ByteBuf buf, int from) {
        int zero = buf.indexOf(from, buf.writerIndex(), (byte) 0);
        return buf.toString(from, (zero < 0 ? buf.writerIndex() : zero) - from, StandardCharsets.UTF_8);
    }
}
