/**
 * Upload slot allocation: {@link io.hivemind.bt.client.core.choker.Choker} gives regular unchoke slots by
 * tit-for-tat while downloading and by round robin or fastest upload while seeding, rotates optimistic unchokes
 * fairly (new peers weighted three times), and keeps snubbing peers out of regular slots.
 *
 * <p>BEPs: 3 (choking and interest; the choking algorithm: reciprocation, a 10 s re-evaluation, a 30 s
 * optimistic unchoke, anti-snubbing).
 *
 * <p>Pure and single-owner; see {@link io.hivemind.bt.client.core}.
 */
package io.hivemind.bt.client.core.choker;
