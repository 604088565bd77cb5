/**
 * Magnet links (BEP 9, BEP 53, BEP 52's {@code urn:btmh} form): {@link io.hivemind.bt.wire.magnet.MagnetLink} parses
 * and formats {@code magnet:?xt=urn:btih:…&xt=urn:btmh:1220…&dn=…&tr=…&ws=…&x.pe=…&so=…}; a bad link is a
 * {@link io.hivemind.bt.wire.magnet.MagnetException} with a typed reason.
 */
package io.hivemind.bt.wire.magnet;
