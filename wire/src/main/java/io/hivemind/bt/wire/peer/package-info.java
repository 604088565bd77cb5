/**
 * The BitTorrent peer-wire protocol as Netty codecs: the handshake, the length-prefixed message stream, and the
 * timers of a peer connection. Implements BEP 3 (handshake and messages, keep-alive), BEP 5 ({@code port}), BEP 6
 * (fast extension messages), BEP 10 (the {@code extended} envelope and the reserved bit; payloads are in
 * {@code io.hivemind.bt.wire.ext}) and BEP 52 (the v2 upgrade bit and hash request, hashes and hash reject).
 *
 * <p>A peer channel's pipeline, socket side first:
 * <pre>
 *   [MSE/PE handler]                       (optional, not here)
 *   PeerHandshakeDecoder.incoming(...) or .outgoing(...)   one-shot, removes itself
 *   PeerIdleHandler                        handshake timeout, keep-alives, read timeout
 *   PeerHandshakeEncoder.INSTANCE          shared
 *   PeerMessageDecoder                     one per channel
 *   PeerMessageEncoder.INSTANCE            shared
 *   the session's connection handler       receives PeerHandshakePrefix (incoming only), PeerHandshake, PeerMessages
 * </pre>
 * The codecs never consult session state: whether a message is allowed now (a {@code piece} nobody requested, fast
 * messages without the fast bit, a second bitfield) is the session's decision. Protocol violations are
 * {@link io.hivemind.bt.wire.peer.PeerProtocolException}s with a reason, timeouts
 * {@link io.hivemind.bt.wire.peer.PeerTimeoutException}s; both reach {@code exceptionCaught}.
 *
 * <p>Buffers: decoded payloads are retained slices of the read buffer, owned by whoever receives the message; written
 * messages belong to the pipeline. The rules are on {@link io.hivemind.bt.wire.peer.PeerMessage}.
 */
package io.hivemind.bt.wire.peer;
