package io.rtml.scoring;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerSocketChannel;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import io.grpc.netty.shaded.io.netty.util.concurrent.EventExecutor;
import io.rtml.scoring.oip.OipGrpcService;
import io.rtml.scoring.oip.OipHandler;
import io.rtml.scoring.runtime.Inference;
import io.rtml.scoring.runtime.Services;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The node's gRPC listener ({@code rtml.scoring.grpc-port}) for the OIP gRPC service. Its own event
 * loops run the calls directly (no executor hop, as the HTTP loops do), which also lets
 * {@link GrpcBatcher} merge the inferences each loop read in one iteration. The interceptor does
 * what the HTTP router does before a handler: the API-key check for the service the message names
 * ({@code authorization: Bearer <key>} or {@code x-api-key} metadata, as the HTTP headers), and the
 * {@code rtml-model-version} / {@code rtml-route-key} metadata; it also returns the version that
 * answered as {@code rtml-model-version} trailing metadata.
 */
final class GrpcServer implements AutoCloseable {

    static final Metadata.Key<String> VERSION = Metadata.Key.of("rtml-model-version", Metadata.ASCII_STRING_MARSHALLER);
    static final Metadata.Key<String> ROUTE_KEY = Metadata.Key.of("rtml-route-key", Metadata.ASCII_STRING_MARSHALLER);
    static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    static final Metadata.Key<String> API_KEY = Metadata.Key.of("x-api-key", Metadata.ASCII_STRING_MARSHALLER);

    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final Server server;

    @SuppressWarnings("deprecation") // NioEventLoopGroup: the shaded Netty's own, for the loops GrpcBatcher needs to know
    GrpcServer(NodeConfig config, OipHandler handler, Services services, Inference inference, ModelExecutor executor,
            ShadowRunner shadows, RequestDeadlines.Unfinished unfinished, String threadPrefix) {
        boss = new NioEventLoopGroup(1, new DefaultThreadFactory(threadPrefix + "-accept", true));
        workers = new NioEventLoopGroup(config.ioThreads(), new DefaultThreadFactory(threadPrefix, true));
        OipGrpcService oip = new OipGrpcService(handler, services, config.maxTensorBytes(),
                new GrpcBatcher(inference, executor, config.maxBatchRows(), workers), (service, served, parse) -> {
                    ShadowRunner.Sample sample = shadows.draw(service);
                    if (sample != null) {
                        shadows.attach(sample, served, this::afterReply, parse::apply);
                    }
                });
        NodeConfig.GrpcLimits limits = config.grpc();
        ServiceKeys keys = config.apiKeys() == null ? ServiceKeys.parse(null) : config.apiKeys();
        NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress(config.bindAddress(), config.grpcPort()))
                .bossEventLoopGroup(boss)
                .workerEventLoopGroup(workers)
                .channelType(NioServerSocketChannel.class)
                .directExecutor()
                // The limits of the HTTP listeners, and what HTTP/2 adds (see NodeConfig.GrpcLimits).
                .maxInboundMessageSize(config.maxBodyBytes())
                .maxInboundMetadataSize(limits.maxMetadataBytes())
                .maxConcurrentCallsPerConnection(limits.maxCallsPerConnection())
                .handshakeTimeout(limits.handshakeTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .permitKeepAliveTime(limits.permitKeepAlive().toMillis(), TimeUnit.MILLISECONDS)
                .maxConnectionIdle(limits.maxConnectionIdle().toMillis(), TimeUnit.MILLISECONDS)
                .maxConnectionAgeGrace(limits.maxConnectionAgeGrace().toMillis(), TimeUnit.MILLISECONDS)
                .addStreamTracerFactory(new GrpcHeld(unfinished, config.requestTimeout(), workers))
                .addService(ServerInterceptors.intercept(oip, new Guard(keys)));
        if (limits.maxResetsPerWindow() > 0) {
            builder.maxRstFramesPerWindow(limits.maxResetsPerWindow(), (int) limits.resetWindow().toSeconds());
        }
        if (limits.maxConnectionAge().toMillis() > 0) {
            builder.maxConnectionAge(limits.maxConnectionAge().toMillis(), TimeUnit.MILLISECONDS);
        }
        server = builder.build();
        try {
            server.start();
        } catch (IOException e) {
            close();
            throw new UncheckedIOException("cannot listen for gRPC on port " + config.grpcPort(), e);
        }
    }

    /**
     * Runs a sampled request's shadow hand-off after the reply: queued behind the writes of the gRPC
     * loop that answered (as the HTTP path queues it behind its loop's), or at once on a model thread.
     */
    private void afterReply(Runnable task) {
        for (EventExecutor loop : workers) {
            if (loop.inEventLoop()) {
                loop.execute(task);
                return;
            }
        }
        task.run();
    }

    int port() {
        return server.getPort();
    }

    @Override
    public void close() {
        server.shutdownNow();
        try {
            server.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** API keys, route metadata in, the answering version out. */
    private static final class Guard implements ServerInterceptor {

        private final ServiceKeys keys;

        Guard(ServiceKeys keys) {
            this.keys = keys;
        }

        @Override
        public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                ServerCallHandler<Q, R> next) {
            OipGrpcService.Call info = new OipGrpcService.Call(headers.get(VERSION), headers.get(ROUTE_KEY));
            ServerCall<Q, R> answering = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
                @Override
                public void close(Status status, Metadata trailers) {
                    String version = info.answeredBy();
                    if (version != null) {
                        trailers.put(VERSION, version);
                    }
                    super.close(status, trailers);
                }
            };
            String presented = presentedKey(headers);
            GrpcHeld.Stream held = GrpcHeld.STREAM.get();
            if (held != null) {
                held.call(answering);
            }
            Context context = Context.current().withValue(OipGrpcService.CALL, info);
            ServerCall.Listener<Q> listener = Contexts.interceptCall(context, answering, headers, next);
            return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
                private boolean refused;

                @Override
                public void onMessage(Q message) {
                    String service = OipGrpcService.serviceOf(message);
                    if (service != null && !keys.allows(service, presented)) {
                        refused = true;
                        answering.close(Status.UNAUTHENTICATED.withDescription("service '" + service
                                + "' needs an API key: send metadata 'authorization: Bearer <key>' or 'x-api-key: <key>'"),
                                new Metadata());
                        return;
                    }
                    super.onMessage(message);
                }

                @Override
                public void onHalfClose() {
                    if (!refused) {
                        super.onHalfClose();
                    }
                }
            };
        }

        private static String presentedKey(Metadata headers) {
            String apiKey = headers.get(API_KEY);
            if (apiKey != null) {
                return apiKey.trim();
            }
            String authorization = headers.get(AUTHORIZATION);
            return authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                    ? authorization.substring(7).trim() : null;
        }
    }
}
