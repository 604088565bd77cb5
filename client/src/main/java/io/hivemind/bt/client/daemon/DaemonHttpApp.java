package io.hivemind.bt.client.daemon;

import io.hivemind.bt.client.daemon.http.ApiException;
import io.hivemind.bt.client.daemon.http.HttpApp;
import io.hivemind.bt.client.daemon.http.HttpReply;
import io.hivemind.bt.client.daemon.http.Request;
import io.hivemind.bt.client.daemon.http.RequestGuard;
import io.hivemind.bt.client.daemon.http.UploadReceiver;
import io.hivemind.bt.client.daemon.metrics.PrometheusExporter;
import io.hivemind.bt.client.daemon.rest.RestApi;
import io.hivemind.bt.client.daemon.rest.StaticFiles;
import io.hivemind.bt.client.daemon.rpc.TransmissionRpc;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * Routes the daemon's HTTP requests: {@code /transmission/rpc} to the {@link TransmissionRpc}, {@code /api/…} to
 * the {@link RestApi}, {@code /metrics} to the {@link PrometheusExporter}, everything else to the web UI's
 * {@link StaticFiles}. The RPC-only variant (for {@code --rpc-port}) answers 404 to all but the RPC. Thread-safe.
 */
final class DaemonHttpApp implements HttpApp {
    static final String UPLOADS = ".hivebt-uploads";

    private final Daemon daemon;
    private final boolean rpcOnly;
    private final RestApi rest;
    private final TransmissionRpc rpc;
    private final PrometheusExporter metrics;
    private final StaticFiles statics;

    DaemonHttpApp(Daemon daemon, boolean rpcOnly) {
        this.daemon = daemon;
        this.rpcOnly = rpcOnly;
        this.rest = new RestApi(daemon);
        this.rpc = new TransmissionRpc(daemon);
        this.metrics = new PrometheusExporter(daemon);
        this.statics = new StaticFiles();
    }

    @Override
    public BodyPolicy bodyPolicy(HttpRequest head, String path) {
        if (rpcOnly && !path.equals(RequestGuard.RPC_PATH)) {
            throw new ApiException(404, "this port serves only " + RequestGuard.RPC_PATH);
        }
        if (path.equals(RestApi.CREATE_PATH) && head.method().name().equals("POST")) {
            try {
                return new Stream(new UploadReceiver(daemon.roots().defaultDirectory().resolve(UPLOADS),
                        head.headers().get(HttpHeaderNames.CONTENT_TYPE), daemon.config().maxUploadBytes()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        if (io.hivemind.bt.client.daemon.rest.DistributionApi.serves(path)) {
            return new Buffer(io.hivemind.bt.client.daemon.rest.DistributionApi.MAX_BODY);
        }
        if (path.equals(RequestGuard.RPC_PATH) || path.startsWith("/api/")) {
            return new Buffer(daemon.config().maxBodyBytes());
        }
        return new Buffer(64 * 1024);
    }

    @Override
    public HttpReply handle(Request request) throws Exception {
        String path = request.path();
        if (path.equals(RequestGuard.RPC_PATH)) {
            return rpc.handle(request);
        }
        if (path.startsWith("/api/")) {
            return rest.handle(request);
        }
        if (path.equals("/metrics")) {
            if (!request.method().equals("GET") && !request.method().equals("HEAD")) {
                return HttpReply.error(405, "use GET");
            }
            return metrics.scrape();
        }
        if (path.equals("/transmission/web") || path.startsWith("/transmission/web/")) {
            return new HttpReply(302, null, new byte[0], Map.of("Location", "/"));
        }
        return statics.serve(request);
    }
}
