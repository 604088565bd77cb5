package io.hivemind.bt.tracker;

import io.hivemind.bt.tracker.TrackerException.Reason;
import io.hivemind.bt.tracker.protocol.IpLiterals;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Resolves tracker host names. The session may plug in its own (a DNS cache, a proxy); the default runs the JDK's
 * blocking lookup on an {@link Executor} so it never blocks an event loop. Implementations must be thread-safe.
 */
@FunctionalInterface
public interface TrackerResolver {

    /**
     * The addresses of {@code host} (a name or a literal, without brackets). Fails with a {@link TrackerException}
     * of {@link Reason#UNRESOLVED_HOST} when there are none.
     */
    CompletableFuture<List<InetAddress>> resolve(String host);

    /**
     * The JDK resolver ({@link InetAddress#getAllByName}) run on {@code executor}; IP literals resolve at once
     * without it.
     */
    static TrackerResolver jdk(Executor executor) {
        Objects.requireNonNull(executor, "executor");
        return host -> {
            byte[] literal = IpLiterals.parse(host);
            if (literal != null) {
                try {
                    return CompletableFuture.completedFuture(List.of(InetAddress.getByAddress(literal)));
                } catch (UnknownHostException e) {
                    return CompletableFuture.failedFuture(e);
                }
            }
            return CompletableFuture.supplyAsync(() -> {
                try {
                    InetAddress[] all = InetAddress.getAllByName(host);
                    if (all.length == 0) {
                        throw new TrackerException(Reason.UNRESOLVED_HOST, "no address for tracker host " + host);
                    }
                    return List.of(all);
                } catch (UnknownHostException e) {
                    throw new TrackerException(Reason.UNRESOLVED_HOST, "cannot resolve tracker host " + host, e);
                }
            }, executor);
        };
    }
}
