/**
 * HiveMind distribution: how the compute network moves task data and model versions from one coordinator to
 * hundreds of workers without making the coordinator's uplink the bottleneck — every transfer is a BitTorrent
 * swarm in which the workers share pieces with each other.
 *
 * <p>The publishing side is the {@link io.hivemind.bt.client.distribution.Coordinator}: a
 * {@link io.hivemind.bt.client.distribution.TaskDistributor} (task data for named workers) and a
 * {@link io.hivemind.bt.client.distribution.ModelDistributor} (model versions for a channel's subscribers). It packs
 * the files and a {@link io.hivemind.bt.client.distribution.Manifest} into one torrent (hybrid v1/v2 by default),
 * seeds it, runs an embedded tracker so the swarm forms without the DHT, and tracks every worker's progress in a
 * {@link io.hivemind.bt.client.distribution.Distribution} until all have the verified data or the deadline passes.
 *
 * <p>A {@link io.hivemind.bt.client.distribution.Channel} is an Ed25519 public key and a name; the publisher holds the
 * {@link io.hivemind.bt.client.distribution.ChannelKey}. Each version is an
 * {@link io.hivemind.bt.client.distribution.Announcement} (info-hashes, trackers, metadata) signed as a BEP 44
 * mutable item whose salt is the channel name and whose sequence number strictly increases (persisted before use):
 * put in the DHT per BEP 46, and delivered directly to the workers the coordinator knows (their daemon's
 * {@code POST /api/distributions/notify}) and in the answer to their check-ins. The receiving side is the
 * {@link io.hivemind.bt.client.distribution.Worker}: whatever path an item comes by, it passes the same gate
 * (followed key and salt, valid signature, sequence number above every one accepted), so forged and replayed
 * announcements change nothing. Workers download through the session, keep the newest versions, seed what they
 * hold, and report progress ({@code POST /api/distributions/{id}/progress} on the coordinator's daemon, with the
 * cluster's shared bearer token).
 *
 * <p>The decision cores are pure and tested on their own: {@code VersionGate} (acceptance),
 * {@code ProgressBook} (per-worker state, settling, deadlines), {@code Retention} (which versions to drop). Public
 * types are thread-safe; snapshots ({@link io.hivemind.bt.client.distribution.DistributionStatus},
 * {@link io.hivemind.bt.client.distribution.LocalCopy}) are immutable records.
 *
 * <p>BEPs: 44 (storing arbitrary data in the DHT: mutable items, signatures, {@code seq}, {@code cas}), 46 (updating
 * torrents via DHT mutable items), 3, 9 (magnet links and metadata exchange for the announced torrents), 52 (v2 and
 * hybrid torrents), 5 (the DHT), 15/23 (the embedded tracker).
 */
package io.hivemind.bt.client.distribution;
