package dev.covet.pg.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.covet.pg.wire.AuthRequirements.Method;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.SslHandler;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The guard's reading of the protocol, without a server: the messages a server (or whoever poses
 * as one) sends are written here byte by byte. What a real server does is in
 * AuthenticationRequirementsTest.
 */
@Tag("fast")
class AuthenticationGuardTest {

    static final AuthRequirements SCRAM_ONLY = AuthRequirements.parse("scram-sha-256", null);

    /** The codec's place: records what the guard lets through, and the exceptions it raises. */
    static final class Codec extends ChannelInboundHandlerAdapter {
        final List<byte[]> read = new ArrayList<>();
        final List<Throwable> errors = new ArrayList<>();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf b = (ByteBuf) msg;
            byte[] bytes = new byte[b.readableBytes()];
            b.readBytes(bytes);
            b.release();
            read.add(bytes);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            errors.add(cause);
        }
    }

    final Codec codec = new Codec();

    EmbeddedChannel channel(AuthRequirements requirements) {
        EmbeddedChannel ch = new EmbeddedChannel(new AuthenticationGuard(requirements), codec);
        ch.writeOutbound(startup());
        ch.readOutbound(); // the StartupMessage went out
        return ch;
    }

    static ByteBuf startup() {
        byte[] params = "user\0app\0\0".getBytes(StandardCharsets.US_ASCII);
        return Unpooled.buffer().writeInt(8 + params.length).writeInt(196608).writeBytes(params);
    }

    static ByteBuf authRequest(int code, byte... rest) {
        return Unpooled.buffer().writeByte('R').writeInt(8 + rest.length).writeInt(code).writeBytes(rest);
    }

    static ByteBuf message(char type, String body) {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        return Unpooled.buffer().writeByte(type).writeInt(4 + b.length).writeBytes(b);
    }

    static byte[] bytes(ByteBuf... parts) {
        ByteBuf all = Unpooled.wrappedBuffer(parts);
        byte[] out = new byte[all.readableBytes()];
        all.readBytes(out);
        return out;
    }

    @Test
    void aRequestForTheClearPasswordClosesTheConnectionAndReachesNoCodec() {
        EmbeddedChannel ch = channel(SCRAM_ONLY);
        ch.writeInbound(authRequest(3));
        assertThat(codec.read).isEmpty(); // the driver never sees the request, so it never answers it
        assertThat(codec.errors).singleElement().isInstanceOf(AuthenticationGuard.RefusedException.class).extracting(Throwable::getMessage)
                .asString().contains("the password in clear text", "requireAuth=scram-sha-256", "closed before");
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void md5IsRefusedWhereOnlyScramIsAllowed() {
        EmbeddedChannel ch = channel(SCRAM_ONLY);
        ch.writeInbound(authRequest(5, new byte[] {1, 2, 3, 4}));
        assertThat(codec.errors).singleElement().extracting(Throwable::getMessage).asString().contains("an MD5 hash");
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void scramGoesThroughAndTheGuardLeavesAtAuthenticationOkWithWhatFollowsIntact() {
        EmbeddedChannel ch = channel(SCRAM_ONLY);
        ByteBuf sasl = authRequest(10, "SCRAM-SHA-256\0\0".getBytes(StandardCharsets.US_ASCII));
        ByteBuf cont = authRequest(11, "r=abc".getBytes(StandardCharsets.US_ASCII));
        ByteBuf fin = authRequest(12, "v=xyz".getBytes(StandardCharsets.US_ASCII));
        ByteBuf ok = authRequest(0);
        ByteBuf status = message('S', "DateStyle\0ISO\0");
        ByteBuf ready = message('Z', "I");
        byte[] expected = bytes(sasl.copy(), cont.copy(), fin.copy(), ok.copy(), status.copy(), ready.copy());
        // the server's bytes cut at odd places: in a length, in a body, several messages in one read
        ByteBuf all = Unpooled.wrappedBuffer(sasl, cont, fin, ok, status, ready);
        int[] cuts = {3, 11, 1, 40, 7};
        for (int cut : cuts) {
            ch.writeInbound(all.readRetainedSlice(Math.min(cut, all.readableBytes())));
        }
        ch.writeInbound(all.readRetainedSlice(all.readableBytes()));
        all.release();
        assertThat(codec.errors).isEmpty();
        assertThat(ch.pipeline().get(AuthenticationGuard.class)).as("the guard left the pipeline").isNull();
        byte[] seen = bytes(codec.read.stream().map(Unpooled::wrappedBuffer).toArray(ByteBuf[]::new));
        assertThat(seen).isEqualTo(expected);
        assertThat(ch.isOpen()).isTrue();
    }

    /**
     * A channel that has TLS as far as the guard can tell: an SslHandler in the pipeline, after the
     * codec, so no byte goes through it. The driver's messages are written from the codec's place.
     */
    EmbeddedChannel tlsChannel(AuthRequirements requirements) throws Exception {
        SSLEngine engine = SSLContext.getDefault().createSSLEngine();
        engine.setUseClientMode(false); // a server-side engine starts no handshake of its own
        EmbeddedChannel ch = new EmbeddedChannel(new AuthenticationGuard(requirements), codec, new SslHandler(engine));
        fromDriver(ch, startup());
        ch.readOutbound();
        return ch;
    }

    static ChannelFuture fromDriver(EmbeddedChannel ch, ByteBuf message) {
        ChannelFuture written = ch.pipeline().context(Codec.class).writeAndFlush(message);
        ch.runPendingTasks();
        return written;
    }

    static ByteBuf saslRequest(String... mechanisms) {
        return authRequest(10, (String.join("\0", mechanisms) + "\0\0").getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void channelBindingFollowsTheMechanismTheDriverChoseNotTheSaslResponseAfterIt() throws Exception {
        EmbeddedChannel ch = tlsChannel(AuthRequirements.parse(null, "require"));
        ch.writeInbound(saslRequest("SCRAM-SHA-256-PLUS", "SCRAM-SHA-256"));
        assertThat(fromDriver(ch, message('p', "SCRAM-SHA-256-PLUS\0\0\0\0\5p=tls")).isSuccess()).isTrue();
        ch.writeInbound(authRequest(11, "r=abc".getBytes(StandardCharsets.US_ASCII)));
        // the SASLResponse is a 'p' as well, and names no mechanism: it must not read as a choice
        assertThat(fromDriver(ch, message('p', "c=cD10bHM,r=abc,p=xyz")).isSuccess()).isTrue();
        ch.writeInbound(authRequest(12, "v=xyz".getBytes(StandardCharsets.US_ASCII)), authRequest(0));
        assertThat(codec.errors).isEmpty();
        assertThat(codec.read).hasSize(4);
        assertThat(ch.pipeline().get(AuthenticationGuard.class)).isNull();
    }

    @Test
    void channelBindingRefusesTheDriversChoiceOfPlainScramBeforeItIsSent() throws Exception {
        EmbeddedChannel ch = tlsChannel(AuthRequirements.parse(null, "require"));
        ch.writeInbound(saslRequest("SCRAM-SHA-256-PLUS", "SCRAM-SHA-256"));
        ChannelFuture written = fromDriver(ch, message('p', "SCRAM-SHA-256\0\0\0\0\5n,,n="));
        assertThat(written.isSuccess()).isFalse();
        assertThat((Object) ch.readOutbound()).as("what reached the socket").isNull();
        assertThat(codec.errors).singleElement().extracting(Throwable::getMessage).asString()
                .contains("chose SCRAM without channel binding");
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void channelBindingRefusesAServerThatDoesNotOfferPlus() throws Exception {
        EmbeddedChannel ch = tlsChannel(AuthRequirements.parse(null, "require"));
        ch.writeInbound(saslRequest("SCRAM-SHA-256"));
        assertThat(codec.errors).singleElement().extracting(Throwable::getMessage).asString()
                .contains("offers SCRAM-SHA-256 and not SCRAM-SHA-256-PLUS");
    }

    @Test
    void channelBindingRefusesAServerThatEndsAuthenticationBeforeScramFinishes() throws Exception {
        EmbeddedChannel early = tlsChannel(AuthRequirements.parse(null, "require"));
        early.writeInbound(saslRequest("SCRAM-SHA-256-PLUS"));
        fromDriver(early, message('p', "SCRAM-SHA-256-PLUS\0\0\0\0\5p=tls"));
        // AuthenticationOk without SASLFinal: the server never proved it knows the password
        early.writeInbound(authRequest(0));
        assertThat(codec.errors).singleElement().extracting(Throwable::getMessage).asString()
                .contains("without completing SCRAM");
    }

    @Test
    void aServerThatSkipsAuthenticationIsRefusedUnlessNoneIsAllowed() {
        EmbeddedChannel refused = channel(SCRAM_ONLY);
        refused.writeInbound(authRequest(0));
        assertThat(codec.errors).singleElement().extracting(Throwable::getMessage).asString()
                .contains("the server asked for nothing");

        Codec other = new Codec();
        EmbeddedChannel allowed = new EmbeddedChannel(new AuthenticationGuard(AuthRequirements.parse("scram-sha-256,none", null)),
                other);
        allowed.writeOutbound(startup());
        allowed.writeInbound(authRequest(0));
        assertThat(other.errors).isEmpty();
        assertThat(other.read).hasSize(1);
    }

    @Test
    void theServersErrorGoesToTheDriverAndTheGuardLeaves() {
        EmbeddedChannel ch = channel(SCRAM_ONLY);
        ch.writeInbound(message('E', "SFATAL\0C28000\0Mno pg_hba.conf entry\0\0"));
        assertThat(codec.errors).isEmpty();
        assertThat(codec.read).hasSize(1);
        assertThat(ch.pipeline().get(AuthenticationGuard.class)).isNull();
    }

    @Test
    void channelBindingIsRefusedWithoutTlsBeforeTheDriverAnswers() {
        EmbeddedChannel ch = channel(AuthRequirements.parse(null, "require"));
        ch.writeInbound(authRequest(10, "SCRAM-SHA-256-PLUS\0SCRAM-SHA-256\0\0".getBytes(StandardCharsets.US_ASCII)));
        assertThat(codec.read).isEmpty();
        assertThat(codec.errors).singleElement().extracting(Throwable::getMessage).asString()
                .contains("no TLS", "channelBinding=require");
    }

    @Test
    void channelBindingRefusesTheClearPasswordEvenWhereRequireAuthWouldAllowIt() {
        EmbeddedChannel ch = channel(AuthRequirements.parse("password,scram-sha-256", "require"));
        ch.writeInbound(authRequest(3));
        assertThat(codec.errors).singleElement().extracting(Throwable::getMessage).asString()
                .contains("not SCRAM with channel binding");
    }

    @Test
    void anUnknownRequestAndAnOversizedMessageAreRefused() {
        EmbeddedChannel ch = channel(SCRAM_ONLY);
        ch.writeInbound(authRequest(2)); // Kerberos V5, gone from PostgreSQL since 9.4
        assertThat(codec.errors).singleElement().extracting(Throwable::getMessage).asString().contains("request 2");

        Codec other = new Codec();
        EmbeddedChannel big = new EmbeddedChannel(new AuthenticationGuard(SCRAM_ONLY), other);
        big.writeOutbound(startup());
        big.writeInbound(Unpooled.buffer().writeByte('R').writeInt(Integer.MAX_VALUE).writeInt(10));
        assertThat(other.errors).singleElement().extracting(Throwable::getMessage).asString().contains("2147483647 bytes");
        assertThat(big.isOpen()).isFalse();

        Codec third = new Codec();
        EmbeddedChannel shortRequest = new EmbeddedChannel(new AuthenticationGuard(SCRAM_ONLY), third);
        shortRequest.writeOutbound(startup());
        shortRequest.writeInbound(Unpooled.buffer().writeByte('R').writeInt(4).writeInt(0)); // a request without its code
        assertThat(third.errors).singleElement().extracting(Throwable::getMessage).asString().contains("4 bytes");
        assertThat(third.read).isEmpty();
    }

    @Test
    void theAnswerToAnSslRequestIsNotReadAsAMessage() {
        EmbeddedChannel ch = new EmbeddedChannel(new AuthenticationGuard(SCRAM_ONLY), codec);
        ch.writeOutbound(Unpooled.buffer().writeInt(8).writeInt(80877103)); // SSLRequest
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {'N'})); // one byte: no TLS here
        assertThat(codec.read).containsExactly(new byte[] {'N'});
        assertThat(codec.errors).isEmpty();
    }

    @Test
    void parsesRequireAuthAsLibpqDoes() {
        assertThat(AuthRequirements.parse(null, null)).isSameAs(AuthRequirements.ANY);
        assertThat(AuthRequirements.ANY.enforced()).isFalse();
        assertThat(AuthRequirements.parse(" SCRAM-SHA-256 , none", null).allowed())
                .containsExactlyInAnyOrder(Method.SCRAM_SHA_256, Method.NONE);
        assertThat(AuthRequirements.parse("!password,!md5", "prefer").allowed())
                .isEqualTo(EnumSet.of(Method.GSS, Method.SSPI, Method.SCRAM_SHA_256, Method.NONE));
        assertThat(AuthRequirements.parse("!password", null).passwordCanBeSent()).isTrue(); // md5 is still allowed
        assertThat(AuthRequirements.parse("scram-sha-256", null).passwordCanBeSent()).isFalse();
        assertThat(AuthRequirements.parse(null, "require").passwordCanBeSent()).isFalse();
        assertThat(AuthRequirements.parse(null, "require").enforced()).isTrue();

        assertThatThrownBy(() -> AuthRequirements.parse("scram", null)).hasMessageContaining("requireAuth 'scram'")
                .hasMessageContaining("password, md5, gss, sspi, scram-sha-256, none");
        assertThatThrownBy(() -> AuthRequirements.parse("md5,!password", null)).hasMessageContaining("cannot be mixed");
        assertThatThrownBy(() -> AuthRequirements.parse("md5,md5", null)).hasMessageContaining("named twice");
        assertThatThrownBy(() -> AuthRequirements.parse("md5,", null)).hasMessageContaining("'' is not a method");
        assertThatThrownBy(() -> AuthRequirements.parse("!password,!md5,!gss,!sspi,!scram-sha-256,!none", null))
                .hasMessageContaining("refuses every method");
        assertThatThrownBy(() -> AuthRequirements.parse(null, "disable")).hasMessageContaining("channelBinding 'disable'")
                .hasMessageContaining("prefer and require");
        assertThatThrownBy(() -> AuthRequirements.parse(null, "always")).hasMessageContaining("channelBinding 'always'")
                .hasMessageContaining("prefer (the default) and require");
    }
}
