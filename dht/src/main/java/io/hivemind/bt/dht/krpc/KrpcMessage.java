package io.hivemind.bt.dht.krpc;

/**
 * One KRPC message (BEP 5): a query, a response or an error. Messages are immutable values; the byte arrays they
 * hold (transaction ids, tokens, keys) must not be modified by anyone once a message is built.
 */
public sealed interface KrpcMessage permits KrpcQuery, KrpcResponse, KrpcError {

    /** The transaction id ({@code t}) chosen by the querying node and echoed by the answer. */
    byte[] transactionId();
}
