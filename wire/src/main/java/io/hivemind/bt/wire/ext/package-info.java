/**
 * Payloads of BEP 10 extension messages: the extension handshake
 * ({@link io.hivemind.bt.wire.ext.ExtensionHandshake}, BEP 10, with BEP 9's {@code metadata_size}), metadata exchange
 * ({@link io.hivemind.bt.wire.ext.UtMetadata}, BEP 9) and peer exchange ({@link io.hivemind.bt.wire.ext.UtPex},
 * BEP 11).
 *
 * <p>These are plain value codecs, not pipeline handlers: extension ids are negotiated per connection, so the session
 * looks at an incoming {@code PeerMessage.Extended}, picks the codec by the id it announced in its own handshake, and
 * calls {@code decode(payload)}; the payload buffer stays the session's to release. Outgoing, each value has
 * {@code toMessage(id)} with the id the remote announced. Every decoder applies {@code BencodeLimits.EXTENSION} and
 * per-message sanity limits, and throws {@link io.hivemind.bt.wire.ext.ExtensionProtocolException} with a reason; the
 * values hold no buffers and are immutable.
 */
package io.hivemind.bt.wire.ext;
