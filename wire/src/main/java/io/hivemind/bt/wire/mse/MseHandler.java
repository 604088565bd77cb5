package io.hivemind.bt.wire.mse;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The MSE/PE (Message Stream Encryption, "Protocol Encryption") stage of a peer connection: it runs the
 * obfuscated handshake, then either leaves the pipeline (plaintext payload stream) or stays to RC4-decrypt
 * everything read and RC4-encrypt everything written. It sits first in the pipeline:
 * {@code [MseHandler] → PeerHandshakeDecoder → PeerMessageDecoder → …}; the handlers after it see only the
 * BitTorrent stream and never know whether it was encrypted.
 *
 * <p>The protocol (Vuze/Azureus "Message Stream Encryption", also implemented by libtorrent and Transmission):
 * <pre>
 * 1 A→B  Ya, PadA
 * 2 B→A  Yb, PadB
 * 3 A→B  HASH('req1', S), HASH('req2', SKEY) xor HASH('req3', S),
 *        ENCRYPT(VC, crypto_provide, len(PadC), PadC, len(IA)), ENCRYPT(IA)
 * 4 B→A  ENCRYPT(VC, crypto_select, len(PadD), PadD), ENCRYPT2(payload)
 * 5 A→B  ENCRYPT2(payload)
 * </pre>
 * Ya/Yb are 96-byte Diffie-Hellman public keys (768-bit prime, G = 2, 160-bit private keys), pads are 0–512
 * random bytes, SKEY is the torrent's info-hash, VC is 8 zero bytes, ENCRYPT is RC4 keyed with
 * HASH('keyA'|'keyB', S, SKEY) with 1024 bytes discarded, ENCRYPT2 is the method crypto_select chose.
 *
 * <p><b>Initiator</b> ({@link #initiator}): sends step 1 when the channel is active; on the peer's 96-byte key
 * it sends step 3, taking writes already queued by the handlers behind it (normally the 68-byte BitTorrent
 * handshake) as the initial payload IA, up to {@link MseConfig#initialPayloadSendLimit()}; it then looks for the
 * encrypted VC within PadB's 512-byte bound and reads crypto_select and PadD.
 *
 * <p><b>Responder</b> ({@link #responder}): if the first 20 bytes are {@code \x13BitTorrent protocol} the
 * connection is plaintext (refused under {@link MsePolicy#FORCED}): the handler forwards the bytes and leaves.
 * Otherwise (refused under {@link MsePolicy#DISABLED}) it reads Ya, answers Yb at once, looks for
 * HASH('req1', S) within PadA's bound, recovers HASH('req2', SKEY) and asks its {@link MseSkeyLookup} for the
 * torrent, checks VC, selects a method from crypto_provide, and forwards the decrypted IA as the first bytes of
 * the BitTorrent stream.
 *
 * <p><b>Outcome.</b> Exactly once, before any payload byte is passed on, the handler fires a
 * {@link MseHandshakeCompletionEvent} through {@code fireUserEventTriggered} and completes
 * {@link #handshakeFuture()}. On failure it closes the channel and fires no {@code exceptionCaught}; the event
 * carries the typed {@link MseException} and says whether a plaintext retry is advised.
 *
 * <p><b>Limits.</b> Handshake bytes are bounded by the protocol: 96 + 512 + 20 bytes to find the responder's
 * marker, 96 + 512 + 8 for the initiator's; PadC and PadD ≤ 512; IA ≤ {@link MseConfig#maxInitialPayload()};
 * peer public keys outside [2, P-2] are rejected; the whole handshake must end within
 * {@link MseConfig#handshakeTimeout()}.
 *
 * <p><b>Buffers.</b> Inbound {@link ByteBuf}s are consumed (released or passed on); after an RC4 handshake
 * they are decrypted in place when writable (socket reads always are) and passed on, so steady-state reads
 * allocate nothing. Outbound {@link ByteBuf}s are released by this handler: each is encrypted into a new buffer
 * from the channel's allocator (pooled), because an outbound buffer may share memory with a piece cache or a
 * mapped file that must not be overwritten. Writes made during the handshake are queued (owned by this
 * handler) and sent when it ends, or released with their promises failed if it fails. Only {@code ByteBuf}
 * writes can be encrypted: a {@code FileRegion} (sendfile) on an RC4 connection fails its promise.
 *
 * <p>Not {@code @Sharable}; all methods run on the channel's event loop. {@link #handshakeFuture()} may be read
 * from any thread.
 */
public final class MseHandler extends ChannelDuplexHandler {

    private static final byte[] PROTOCOL_PREFIX = "\u0013BitTorrent protocol".getBytes(StandardCharsets.ISO_8859_1);
    private static final int VC_LENGTH = 8;
    private static final int HASH_LENGTH = 20;

    private enum State {
        /** Responder: deciding between a plaintext handshake and MSE. */
        DETECT,
        /** Waiting for the peer's 96-byte public key. */
        PEER_KEY,
        /** Searching for HASH('req1', S) (responder) or the encrypted VC (initiator). */
        SYNC,
        /** Responder: reading HASH('req2', SKEY) xor HASH('req3', S). */
        SKEY,
        /** Responder: VC, crypto_provide, len(PadC). */
        PROVIDE,
        /** Responder: PadC, len(IA). */
        PAD_C,
        /** Responder: IA. */
        INITIAL_PAYLOAD,
        /** Initiator: crypto_select, len(PadD). */
        SELECT,
        /** Initiator: PadD. */
        PAD_D,
        DONE,
        FAILED
    }

    private final boolean initiator;
    private final MseConfig config;
    private final byte[] initiatorSkey;
    private final MseSkeyLookup lookup;
    private final CompletableFuture<MseResult> handshakeFuture = new CompletableFuture<>();

    private ChannelHandlerContext ctx;
    private State state;
    private ByteBuf in;
    private final ArrayDeque<PendingWrite> pending = new ArrayDeque<>();
    private ScheduledFuture<?> timeout;
    private boolean started;
    private boolean peerSpeaksMse;

    private MseCrypto.KeyPair keys;
    private byte[] secret;
    private byte[] skey;
    private byte[] syncMarker;
    private Rc4 encoder;
    private Rc4 decoder;
    private int provideBits;
    private int padLength;
    private int initialPayloadLength;
    private CryptoMethod method;

    private record PendingWrite(Object msg, ChannelPromise promise) {
    }

    private MseHandler(boolean initiator, MseConfig config, byte[] skey, MseSkeyLookup lookup) {
        this.initiator = initiator;
        this.config = Objects.requireNonNull(config, "config");
        this.initiatorSkey = skey;
        this.lookup = lookup;
        this.state = initiator ? State.PEER_KEY : State.DETECT;
    }

    /**
     * A handler for a connection we open. Under {@link MsePolicy#DISABLED} it completes at once with a
     * plaintext result and removes itself, so the session may install it on every outgoing connection.
     *
     * @param skey the torrent's 20-byte info-hash (v1, or v2 truncated), which keys the handshake
     */
    public static MseHandler initiator(MseConfig config, byte[] skey) {
        if (skey == null || skey.length != HASH_LENGTH) {
            throw new IllegalArgumentException("SKEY must be 20 bytes");
        }
        return new MseHandler(true, config, skey.clone(), null);
    }

    /** A handler for an accepted connection, finding torrents through {@code lookup}. */
    public static MseHandler responder(MseConfig config, MseSkeyLookup lookup) {
        return new MseHandler(false, config, null, Objects.requireNonNull(lookup, "lookup"));
    }

    /** Completes on the event loop when the MSE stage ends, exceptionally with an {@link MseException}. */
    public CompletableFuture<MseResult> handshakeFuture() {
        return handshakeFuture;
    }

    /** True once an RC4 payload stream is established. */
    public boolean isEncrypted() {
        return state == State.DONE && method == CryptoMethod.RC4;
    }

    // ------------------------------------------------------------------ lifecycle

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        if (ctx.channel().isActive()) {
            // Added to a live channel: start once the code adding us has finished building the pipeline,
            // so that the handlers behind us see the completion event.
            ctx.executor().execute(this::start);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        // Let the handlers behind us see the channel first: what they write now is queued (and rides as IA).
        super.channelActive(ctx);
        start();
    }

    private void start() {
        if (started || state == State.DONE || state == State.FAILED || ctx.isRemoved()) {
            return;
        }
        started = true;
        if (initiator && config.policy() == MsePolicy.DISABLED) {
            method = CryptoMethod.PLAINTEXT;
            complete(new MseResult(true, false, CryptoMethod.PLAINTEXT, null, 0));
            return;
        }
        timeout = ctx.executor().schedule(this::onTimeout, config.handshakeTimeout().toNanos(), TimeUnit.NANOSECONDS);
        if (initiator) {
            keys = MseCrypto.generateKeyPair(config.random());
            ctx.writeAndFlush(publicKeyAndPad());
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancelTimeout();
        if (in != null) {
            in.release();
            in = null;
        }
        if (state != State.DONE && state != State.FAILED) {
            // Removed by someone else mid-handshake: nothing queued may leak.
            MseException e = new MseException(MseException.Reason.PEER_CLOSED, "handler removed during the handshake");
            state = State.FAILED;
            failPending(e);
            handshakeFuture.completeExceptionally(e);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (state != State.DONE && state != State.FAILED) {
            fail(new MseException(MseException.Reason.PEER_CLOSED, "connection closed during the MSE handshake"), false);
        }
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
        if (state != State.DONE && state != State.FAILED && cause instanceof IOException) {
            fail(new MseException(MseException.Reason.PEER_CLOSED, "I/O error during the MSE handshake: " + cause,
                    cause), true);
            return;
        }
        super.exceptionCaught(ctx, cause);
    }

    private void onTimeout() {
        if (state != State.DONE && state != State.FAILED) {
            fail(new MseException(MseException.Reason.TIMEOUT,
                    "MSE handshake not finished within " + config.handshakeTimeout()), true);
        }
    }

    // ------------------------------------------------------------------ inbound

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (state == State.DONE) {
            if (method == CryptoMethod.RC4 && msg instanceof ByteBuf buf) {
                ctx.fireChannelRead(decryptInbound(buf));
            } else {
                ctx.fireChannelRead(msg);
            }
            return;
        }
        if (!(msg instanceof ByteBuf buf)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (state == State.FAILED) {
            buf.release();
            return;
        }
        try {
            if (in == null) {
                in = ctx.alloc().heapBuffer(Math.max(256, buf.readableBytes()));
            }
            in.writeBytes(buf);
        } finally {
            buf.release();
        }
        try {
            advance();
        } catch (MseException e) {
            fail(e, true);
        }
        if (in != null && state != State.DONE) {
            in.discardSomeReadBytes();
        }
    }

    private ByteBuf decryptInbound(ByteBuf buf) {
        if (!buf.isReadOnly()) {
            decoder.processReadable(buf);
            return buf;
        }
        ByteBuf copy = ctx.alloc().buffer(buf.readableBytes());
        try {
            decoder.process(buf, buf.readerIndex(), copy, 0, buf.readableBytes());
            copy.writerIndex(buf.readableBytes());
        } catch (RuntimeException e) {
            copy.release();
            throw e;
        } finally {
            buf.release();
        }
        return copy;
    }

    /** Runs the state machine over the cumulated input until it needs more bytes or finishes. */
    private void advance() {
        while (true) {
            switch (state) {
                case DETECT -> {
                    if (!detect()) {
                        return;
                    }
                }
                case PEER_KEY -> {
                    if (in.readableBytes() < MseCrypto.KEY_BYTES) {
                        return;
                    }
                    onPeerKey();
                }
                case SYNC -> {
                    if (!synchronise()) {
                        return;
                    }
                }
                case SKEY -> {
                    if (in.readableBytes() < HASH_LENGTH) {
                        return;
                    }
                    onObfuscatedSkey();
                }
                case PROVIDE -> {
                    if (in.readableBytes() < VC_LENGTH + 4 + 2) {
                        return;
                    }
                    onProvide();
                }
                case PAD_C -> {
                    if (in.readableBytes() < padLength + 2) {
                        return;
                    }
                    onPadC();
                }
                case INITIAL_PAYLOAD -> {
                    if (in.readableBytes() < initialPayloadLength) {
                        return;
                    }
                    onInitialPayload();
                    return;
                }
                case SELECT -> {
                    if (in.readableBytes() < 4 + 2) {
                        return;
                    }
                    onSelect();
                }
                case PAD_D -> {
                    if (in.readableBytes() < padLength) {
                        return;
                    }
                    decoder.skip(padLength);
                    in.skipBytes(padLength);
                    finish(null);
                    return;
                }
                case DONE, FAILED -> {
                    return;
                }
            }
        }
    }

    /** Responder: plaintext BitTorrent handshake or MSE? Returns true when the state changed. */
    private boolean detect() {
        int n = Math.min(in.readableBytes(), PROTOCOL_PREFIX.length);
        int r = in.readerIndex();
        for (int k = 0; k < n; k++) {
            if (in.getByte(r + k) != PROTOCOL_PREFIX[k]) {
                if (config.policy() == MsePolicy.DISABLED) {
                    throw new MseException(MseException.Reason.ENCRYPTION_REFUSED,
                            "peer did not open with a plaintext BitTorrent handshake and encryption is disabled");
                }
                state = State.PEER_KEY;
                return true;
            }
        }
        if (n < PROTOCOL_PREFIX.length) {
            return false;
        }
        if (config.policy() == MsePolicy.FORCED) {
            throw new MseException(MseException.Reason.PLAINTEXT_REFUSED,
                    "peer opened with a plaintext BitTorrent handshake and encryption is forced");
        }
        method = CryptoMethod.PLAINTEXT;
        finish(new MseResult(false, false, CryptoMethod.PLAINTEXT, null, 0));
        return false;
    }

    private void onPeerKey() {
        byte[] peerKey = new byte[MseCrypto.KEY_BYTES];
        in.readBytes(peerKey);
        if (initiator) {
            secret = MseCrypto.sharedSecret(keys.privateKey(), peerKey);
            skey = initiatorSkey;
            encoder = MseCrypto.cipherA(secret, skey);
            decoder = MseCrypto.cipherB(secret, skey);
            // The responder's first encrypted bytes are VC (zeros), so the marker is the keystream itself;
            // producing it advances the decoder past VC, where it must be once the marker is found.
            syncMarker = new byte[VC_LENGTH];
            decoder.process(syncMarker, 0, VC_LENGTH);
            sendInitiatorRequest();
        } else {
            keys = MseCrypto.generateKeyPair(config.random());
            secret = MseCrypto.sharedSecret(keys.privateKey(), peerKey);
            ctx.writeAndFlush(publicKeyAndPad());
            syncMarker = MseCrypto.req1(secret);
        }
        state = State.SYNC;
    }

    /** Looks for the marker within the pad's bound; true when found (and consumed). */
    private boolean synchronise() {
        int readable = in.readableBytes();
        int m = syncMarker.length;
        int lastStart = Math.min(readable - m, MseConfig.MAX_PAD);
        int r = in.readerIndex();
        for (int p = 0; p <= lastStart; p++) {
            if (matchesAt(r + p)) {
                in.skipBytes(p + m);
                peerSpeaksMse = initiator;
                state = initiator ? State.SELECT : State.SKEY;
                return true;
            }
        }
        if (readable >= MseConfig.MAX_PAD + m) {
            throw new MseException(MseException.Reason.SYNC_NOT_FOUND, (initiator ? "encrypted VC" : "HASH('req1', S)")
                    + " not found within " + (MseCrypto.KEY_BYTES + MseConfig.MAX_PAD + m) + " bytes");
        }
        return false;
    }

    private boolean matchesAt(int index) {
        for (int k = 0; k < syncMarker.length; k++) {
            if (in.getByte(index + k) != syncMarker[k]) {
                return false;
            }
        }
        return true;
    }

    private void onObfuscatedSkey() {
        byte[] req2 = new byte[HASH_LENGTH];
        in.readBytes(req2);
        byte[] req3 = MseCrypto.req3(secret);
        for (int k = 0; k < HASH_LENGTH; k++) {
            req2[k] ^= req3[k];
        }
        byte[] found = lookup.findSkey(req2);
        if (found == null || found.length != HASH_LENGTH || !java.util.Arrays.equals(MseCrypto.req2(found), req2)) {
            throw new MseException(MseException.Reason.UNKNOWN_INFO_HASH, "the peer asked for a torrent we do not serve");
        }
        skey = found.clone();
        decoder = MseCrypto.cipherA(secret, skey);
        encoder = MseCrypto.cipherB(secret, skey);
        state = State.PROVIDE;
    }

    private void onProvide() {
        byte[] b = new byte[VC_LENGTH + 4 + 2];
        in.readBytes(b);
        decoder.process(b, 0, b.length);
        for (int k = 0; k < VC_LENGTH; k++) {
            if (b[k] != 0) {
                throw new MseException(MseException.Reason.BAD_VERIFICATION_CONSTANT, "VC did not decrypt to zeros");
            }
        }
        provideBits = readInt(b, VC_LENGTH);
        padLength = readShort(b, VC_LENGTH + 4);
        if (padLength > MseConfig.MAX_PAD) {
            throw new MseException(MseException.Reason.PAD_TOO_LONG, "len(PadC) = " + padLength);
        }
        state = State.PAD_C;
    }

    private void onPadC() {
        decoder.skip(padLength);
        in.skipBytes(padLength);
        byte[] b = new byte[2];
        in.readBytes(b);
        decoder.process(b, 0, 2);
        initialPayloadLength = readShort(b, 0);
        if (initialPayloadLength > config.maxInitialPayload()) {
            throw new MseException(MseException.Reason.INITIAL_PAYLOAD_TOO_LONG,
                    "len(IA) = " + initialPayloadLength + " > " + config.maxInitialPayload());
        }
        state = State.INITIAL_PAYLOAD;
    }

    private void onInitialPayload() {
        int common = provideBits & config.allowedBits();
        boolean rc4 = (common & CryptoMethod.RC4.bit()) != 0;
        boolean plain = (common & CryptoMethod.PLAINTEXT.bit()) != 0;
        if (rc4 && (config.preferRc4() || !plain)) {
            method = CryptoMethod.RC4;
        } else if (plain) {
            method = CryptoMethod.PLAINTEXT;
        } else {
            throw new MseException(MseException.Reason.NO_COMMON_METHOD, "peer provides 0x"
                    + Integer.toHexString(provideBits) + ", we allow 0x" + Integer.toHexString(config.allowedBits()));
        }
        // IA is always RC4-encrypted (A could not know the selection when it sent it). Decrypt it in place.
        decoder.process(in, in.readerIndex(), in, in.readerIndex(), initialPayloadLength);

        ByteBuf reply = ctx.alloc().buffer(VC_LENGTH + 4 + 2);
        reply.writeLong(0).writeInt(method.bit()).writeShort(0);
        encoder.process(reply, 0, reply, 0, reply.readableBytes());
        ctx.write(reply);
        finish(new MseResult(false, true, method, skey, initialPayloadLength));
    }

    private void onSelect() {
        byte[] b = new byte[6];
        in.readBytes(b);
        decoder.process(b, 0, b.length);
        int select = readInt(b, 0);
        if (Integer.bitCount(select) != 1 || (select & provideBits) == 0) {
            throw new MseException(MseException.Reason.BAD_CRYPTO_SELECT, "crypto_select 0x" + Integer.toHexString(select)
                    + " is not one of the provided 0x" + Integer.toHexString(provideBits));
        }
        method = select == CryptoMethod.RC4.bit() ? CryptoMethod.RC4 : CryptoMethod.PLAINTEXT;
        padLength = readShort(b, 4);
        if (padLength > MseConfig.MAX_PAD) {
            throw new MseException(MseException.Reason.PAD_TOO_LONG, "len(PadD) = " + padLength);
        }
        state = State.PAD_D;
    }

    // ------------------------------------------------------------------ outbound

    private ByteBuf publicKeyAndPad() {
        int pad = config.maxPadLength() == 0 ? 0 : config.random().nextInt(config.maxPadLength() + 1);
        byte[] padBytes = new byte[pad];
        config.random().nextBytes(padBytes);
        ByteBuf out = ctx.alloc().buffer(MseCrypto.KEY_BYTES + pad);
        return out.writeBytes(keys.publicKey()).writeBytes(padBytes);
    }

    /** Step 3, with queued writes as the initial payload. */
    private void sendInitiatorRequest() {
        provideBits = config.allowedBits();
        List<PendingWrite> carried = new ArrayList<>();
        int ia = 0;
        while (!pending.isEmpty()) {
            PendingWrite w = pending.peekFirst();
            if (!(w.msg() instanceof ByteBuf b) || ia + b.readableBytes() > config.initialPayloadSendLimit()) {
                break;
            }
            ia += b.readableBytes();
            carried.add(pending.removeFirst());
        }
        ByteBuf out = ctx.alloc().buffer(2 * HASH_LENGTH + VC_LENGTH + 8 + ia);
        try {
            out.writeBytes(MseCrypto.req1(secret)).writeBytes(MseCrypto.obfuscatedSkey(skey, secret));
            int encryptFrom = out.writerIndex();
            out.writeLong(0).writeInt(provideBits).writeShort(0).writeShort(ia);
            for (PendingWrite w : carried) {
                ByteBuf b = (ByteBuf) w.msg();
                out.writeBytes(b, b.readerIndex(), b.readableBytes());
            }
            encoder.process(out, encryptFrom, out, encryptFrom, out.writerIndex() - encryptFrom);
        } catch (RuntimeException e) {
            out.release();
            throw e;
        } finally {
            for (PendingWrite w : carried) {
                ReferenceCountUtil.release(w.msg());
            }
        }
        initialPayloadLength = ia;
        ChannelFuture f = ctx.writeAndFlush(out);
        if (!carried.isEmpty()) {
            f.addListener(done -> {
                for (PendingWrite w : carried) {
                    if (done.isSuccess()) {
                        w.promise().trySuccess();
                    } else {
                        w.promise().tryFailure(done.cause());
                    }
                }
            });
        }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        switch (state) {
            case DONE -> {
                if (method != CryptoMethod.RC4) {
                    ctx.write(msg, promise);
                } else {
                    writeEncrypted(msg, promise);
                }
            }
            case FAILED -> {
                ReferenceCountUtil.release(msg);
                promise.tryFailure(new MseException(MseException.Reason.PEER_CLOSED, "the MSE handshake failed"));
            }
            default -> pending.addLast(new PendingWrite(msg, promise));
        }
    }

    private void writeEncrypted(Object msg, ChannelPromise promise) {
        if (!(msg instanceof ByteBuf src)) {
            ReferenceCountUtil.release(msg);
            promise.tryFailure(new UnsupportedOperationException(
                    "an RC4 connection can only send ByteBuf, not " + msg.getClass().getName()));
            return;
        }
        int len = src.readableBytes();
        ByteBuf out;
        try {
            if (len == 0) {
                ctx.write(src, promise);
                return;
            }
            out = ctx.alloc().ioBuffer(len);
            try {
                encoder.process(src, src.readerIndex(), out, 0, len);
                out.writerIndex(len);
            } catch (RuntimeException e) {
                out.release();
                throw e;
            }
        } finally {
            if (len != 0) {
                src.release();
            }
        }
        ctx.write(out, promise);
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        if (state == State.DONE) {
            ctx.flush();
        }
        // During the handshake queued writes wait; they are flushed when it ends.
    }

    // ------------------------------------------------------------------ completion

    /** Ends the stage successfully; {@code result} null means: build the initiator's result. */
    private void finish(MseResult result) {
        if (result == null) {
            result = new MseResult(true, true, method, skey, initialPayloadLength);
        }
        complete(result);
    }

    private void complete(MseResult result) {
        state = State.DONE;
        cancelTimeout();
        keys = null;
        secret = null;
        handshakeFuture.complete(result);
        ctx.fireUserEventTriggered(MseHandshakeCompletionEvent.success(result));

        // Queued writes go first, in order, so that whatever the next handlers write in answer to the
        // payload below follows them.
        while (!pending.isEmpty()) {
            PendingWrite w = pending.removeFirst();
            write(ctx, w.msg(), w.promise());
        }
        ctx.flush();

        ByteBuf rest = in;
        in = null;
        if (rest != null) {
            if (method == CryptoMethod.RC4) {
                // IA (already decrypted) comes first; the bytes after it are the RC4 payload stream.
                int from = rest.readerIndex() + (initiator ? 0 : initialPayloadLength);
                decoder.process(rest, from, rest, from, rest.writerIndex() - from);
            }
            if (rest.isReadable()) {
                ctx.fireChannelRead(rest);
            } else {
                rest.release();
            }
        }
        if (method != CryptoMethod.RC4 && !ctx.isRemoved()) {
            ctx.pipeline().remove(this);
        }
    }

    private void fail(MseException e, boolean close) {
        if (state == State.DONE || state == State.FAILED) {
            return;
        }
        boolean retry = initiator && config.policy() == MsePolicy.ENABLED && !peerSpeaksMse;
        state = State.FAILED;
        cancelTimeout();
        if (in != null) {
            in.release();
            in = null;
        }
        failPending(e);
        handshakeFuture.completeExceptionally(e);
        ctx.fireUserEventTriggered(MseHandshakeCompletionEvent.failure(e, retry));
        if (close) {
            ctx.close();
        }
    }

    private void failPending(Throwable cause) {
        while (!pending.isEmpty()) {
            PendingWrite w = pending.removeFirst();
            ReferenceCountUtil.release(w.msg());
            w.promise().tryFailure(cause);
        }
    }

    private void cancelTimeout() {
        if (timeout != null) {
            timeout.cancel(false);
            timeout = null;
        }
    }

    private static int readInt(byte[] b, int off) {
        return (b[off] & 0xff) << 24 | (b[off + 1] & 0xff) << 16 | (b[off + 2] & 0xff) << 8 | (b[off + 3] & 0xff);
    }

    private static int readShort(byte[] b, int off) {
        return (b[off] & 0xff) << 8 | (b[off + 1] & 0xff);
    }
}
