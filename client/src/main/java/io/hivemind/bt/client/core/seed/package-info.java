/**
 * The seeding side of distribution: {@link io.hivemind.bt.client.core.seed.UploadPolicy} (initial seeding that
 * keeps the uplink full while sending each piece once before any piece twice: serve order, per-peer suggestions
 * with reservations, optional rejects) and {@link io.hivemind.bt.client.core.seed.SuperSeeder} (BEP 16
 * super-seeding, strict or with several offers per peer and a timeout).
 *
 * <p>BEPs: 6 (suggest piece, allowed fast, reject request), 16 (superseeding).
 *
 * <p>Pure and single-owner (the torrent's event loop); see {@link io.hivemind.bt.client.core}.
 */
package io.hivemind.bt.client.core.seed;
