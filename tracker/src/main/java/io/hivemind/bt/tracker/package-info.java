/**
 * Tracker client: announce and scrape over HTTP, HTTPS and UDP, and per-torrent announce scheduling.
 *
 * <p>{@link io.hivemind.bt.tracker.TrackerClient} speaks the protocols: BEP 3 announces with the compact peer list
 * of BEP 23 and the {@code peers6} of BEP 7, {@code key}, {@code trackerid} and {@code numwant}; BEP 48 scrapes;
 * the UDP tracker protocol of BEP 15 with its one-minute connection ids and {@code 15·2ⁿ} s retransmissions.
 * {@link io.hivemind.bt.tracker.TrackerSession} owns a torrent's trackers: the BEP 12 tiers (shuffled, answering
 * trackers moved to the front, fall-through to later tiers), {@code interval} and {@code min interval}, the
 * {@code started}/{@code completed}/{@code stopped} events, re-announce on demand, hybrid torrents' two
 * info-hashes (BEP 52), and a status per URL for the UI. The decisions are pure classes driven by a caller's clock:
 * {@link io.hivemind.bt.tracker.AnnounceScheduler} and {@link io.hivemind.bt.tracker.UdpRetransmitSchedule}.
 * {@link io.hivemind.bt.tracker.BackupTrackers} adds the configured backup trackers ({@code HIVEBT_TRACKERS}) as a
 * last tier of public torrents.
 *
 * <p>Hostile trackers: responses are size- and count-limited (1 MiB after decompression, 2,000 peers), only
 * http/https/udp URLs are used, redirects from public to private addresses are refused, and a
 * {@code failure reason} or HTTP 410 retires a URL (HARDENING.md). Every failure is a
 * {@link io.hivemind.bt.tracker.TrackerException} with a {@link io.hivemind.bt.tracker.TrackerException.Reason}.
 */
package io.hivemind.bt.tracker;
