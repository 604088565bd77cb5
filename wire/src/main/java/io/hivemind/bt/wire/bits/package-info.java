/** Piece bitfields: {@link io.hivemind.bt.wire.bits.Bitfield}, with the BEP 3 wire form. */
package io.hivemind.bt.wire.bits;
