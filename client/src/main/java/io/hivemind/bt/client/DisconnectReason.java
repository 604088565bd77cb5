package io.hivemind.bt.client;

/** Why a peer connection was closed; each is counted in the session statistics. */
public enum DisconnectReason {
    /** We closed it on purpose (torrent paused or removed, session closing). */
    LOCAL_CLOSE,
    /** The peer closed it. */
    PEER_CLOSED,
    /** A socket error (reset, unreachable). */
    NETWORK_ERROR,
    /** The connection attempt failed or timed out. */
    CONNECT_FAILED,
    /** No complete handshake within the timeout (slowloris). */
    HANDSHAKE_TIMEOUT,
    /** Nothing received for too long. */
    INACTIVITY_TIMEOUT,
    /** A malformed handshake. */
    BAD_HANDSHAKE,
    /** The handshake named a torrent we do not have. */
    UNKNOWN_TORRENT,
    /** We connected to ourselves. */
    SELF_CONNECTION,
    /** Another connection to the same peer id exists. */
    DUPLICATE_PEER,
    /** A message longer than the limit. */
    MESSAGE_TOO_LONG,
    /** A malformed or out-of-place message. */
    PROTOCOL_ERROR,
    /** A bitfield of the wrong size or with spare bits set. */
    BAD_BITFIELD,
    /** A request for a block outside the torrent or larger than 16 KiB. */
    BAD_REQUEST,
    /** Too many requests queued, or many requests while choked. */
    REQUEST_FLOOD,
    /** A block we did not ask for (or that does not fit the piece). */
    UNWANTED_DATA,
    /** Too many have messages or other message floods. */
    MESSAGE_FLOOD,
    /** The peer is banned (smart ban or IP filter). */
    BANNED,
    /** Blocked by the IP filter. */
    IP_FILTERED,
    /** Encryption required by policy and the peer cannot do it, or its MSE handshake failed. */
    ENCRYPTION_ERROR,
    /** Connection limit reached. */
    TOO_MANY_CONNECTIONS,
    /** Both sides are seeds (nothing to exchange). */
    BOTH_SEEDS,
    /** A torrent-private peer rule (BEP 27) or metadata mismatch. */
    METADATA_ERROR,
    /** A storage fault made us drop the peer. */
    STORAGE_ERROR
}
