package io.rtml.scoring;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.rtml.scoring.admin.AdminHandler;
import io.rtml.scoring.admin.NodeAdmin;
import io.rtml.scoring.artifact.ArtifactCache;
import io.rtml.scoring.desired.DesiredStateLoader;
import io.rtml.scoring.oip.OipHandler;
import io.rtml.scoring.records.RecordsHandler;
import io.rtml.scoring.runtime.Inference;
import io.rtml.scoring.runtime.ModelLoader;
import io.rtml.scoring.runtime.NodeIdentity;
import io.rtml.scoring.runtime.Services;
import io.rtml.scoring.state.StateFile;
import io.rtml.scoring.state.StateRestorer;
import io.rtml.scoring.telemetry.NodeTelemetry;
import java.net.InetSocketAddress;
import java.nio.channels.spi.SelectorProvider;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A scoring node (hub or edge): binds the HTTP port at once (live), reloads its saved state in the
 * background (or, with nothing to reload, asks the registry for its desired state when one is
 * configured), and reports ready once every service it should serve is active. Plain Java rather
 * than Spring Boot: the node has a dozen settings, no database and one Netty pipeline, and starts
 * in well under a second.
 */
public final class ScoringNode implements AutoCloseable {

    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private static final Logger log = LoggerFactory.getLogger(ScoringNode.class);

    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final ExecutorService adminExecutor;
    private final ModelExecutor modelExecutor;
    private final ShadowRunner shadows;
    private final Channel channel;
    /** The admin API's own listener, when {@code admin-port} is set; else null. */
    private final Channel adminChannel;
    /** The OIP gRPC listener, when {@code grpc-port} is set; else null. */
    private final GrpcServer grpc;
    private final Services services;
    private final NodeAdmin admin;
    private final Thread startup;
    private final String ioThreadPool = "scoring-io-" + INSTANCES.incrementAndGet();

    private ScoringNode(NodeConfig config) throws InterruptedException {
        services = new Services();
        NodeIdentity node = new NodeIdentity(config.nodeName(), config.nodeKind(), config.region());
        NodeTelemetry telemetry = config.telemetry() ? NodeTelemetry.on() : NodeTelemetry.off();
        ModelLoader loader = new ModelLoader(config.intraOpThreads(), config.dataDir().resolve("sessions"), telemetry);
        Inference inference = new Inference(loader.environment());
        ArtifactCache cache = new ArtifactCache(config.dataDir().resolve("artifacts"), config.downloadTimeout(),
                config.artifactCacheBytes());
        StateFile stateFile = new StateFile(config.dataDir());
        adminExecutor = Executors.newFixedThreadPool(config.adminThreads(), new DefaultThreadFactory("scoring-admin", true));
        admin = new NodeAdmin(services, loader, cache, stateFile, config.standbyVersions(), adminExecutor);
        OipHandler oip = new OipHandler(services, node, config.maxTensorBytes());
        RecordsHandler records = new RecordsHandler(services, config.maxTensorBytes());
        AdminHandler adminApi = new AdminHandler(config.adminToken(), admin, services, node, telemetry,
                adminExecutor);
        boolean adminApart = config.adminPort() != NodeConfig.SAME_PORT;
        modelExecutor = new ModelExecutor(config.modelThreads(), config.modelQueue(), config.inlineMaxMicros(),
                ioThreadPool.replace("-io-", "-model-"));
        shadows = new ShadowRunner(services, inference);
        RequestRouter router = new RequestRouter(oip, records, adminApart ? null : adminApi, config.apiKeys(),
                inference, modelExecutor, shadows, config.maxBatchRows());
        RequestDeadlines.Unfinished unfinished = new RequestDeadlines.Unfinished(new AtomicLong(),
                config.maxUnfinishedBodyBytes(), config.maxBodyBytes());
        boss = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("scoring-accept"), NioIoHandler.newFactory());
        // Named per node so that thread dumps, profiles and the benchmark's CPU accounting can find them.
        workers = new MultiThreadIoEventLoopGroup(config.ioThreads(), new DefaultThreadFactory(ioThreadPool),
                NioIoHandler.newFactory(SelectorProvider.provider(), new SpinningSelect(config.ioSpinMicros())));
        channel = listen(config, config.port(), router, unfinished);
        // The admin port serves everything (the deployer probes health and the gallery may point there);
        // the prediction port then has no admin API, so it alone can be published.
        adminChannel = adminApart ? listen(config, config.adminPort(), new RequestRouter(oip, records, adminApi,
                config.apiKeys(), inference, modelExecutor, shadows, config.maxBatchRows()), unfinished) : null;
        try {
            grpc = config.grpcPort() == NodeConfig.NO_GRPC ? null
                    : new GrpcServer(config, oip, services, inference, modelExecutor, shadows, unfinished, ioThreadPool.replace("-io-", "-grpc-"));
        } catch (RuntimeException e) {
            // A port taken: the node must not stay half up, its HTTP ports bound by non-daemon loops.
            closeListeners();
            throw e;
        }
        log.info("scoring node listening port={} adminPort={} grpcPort={} config={}", port(), adminPort(), grpcPort(),
                config);
        StateRestorer restorer = new StateRestorer(stateFile, cache, loader, services);
        DesiredStateLoader desired = config.registry() == null ? null
                : new DesiredStateLoader(config.registry(), admin, services);
        // Its own thread, not the admin executor: the desired-state loader waits for stages that run there.
        startup = new DefaultThreadFactory("scoring-startup", true).newThread(() -> {
            StateRestorer.Restored restored = restorer.restore();
            admin.restoreFinished();
            if (restored.versions() > 0 || desired == null || !desired.load()) {
                // What it served before is what it should serve (nothing, for a node with no state).
                services.expect(restored.activeServices());
            }
        });
    }

    private Channel listen(NodeConfig config, int port, RequestRouter router, RequestDeadlines.Unfinished unfinished)
            throws InterruptedException {
        return new ServerBootstrap()
                .group(boss, workers)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(),
                                new RequestDeadlines(config.readIdleTimeout(), config.requestTimeout(), unfinished),
                                new BodyLimit(config.maxBodyBytes()), router);
                    }
                })
                .bind(new InetSocketAddress(config.bindAddress(), port)).sync().channel();
    }

    /** Listens on its ports and restores, or asks the registry for, what it should serve. */
    public static ScoringNode start(NodeConfig config) {
        try {
            ScoringNode node = new ScoringNode(config);
            node.startup.start();
            return node;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting", e);
        }
    }

    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    /** The port of the admin API: its own when {@code admin-port} is set, else the prediction port. */
    public int adminPort() {
        return adminChannel == null ? port() : ((InetSocketAddress) adminChannel.localAddress()).getPort();
    }

    /** The port of the OIP gRPC service; -1 when {@code grpc-port} is not set. */
    public int grpcPort() {
        return grpc == null ? NodeConfig.NO_GRPC : grpc.port();
    }

    /** Start of the names of this node's event-loop threads (which run the predictions). */
    public String ioThreadPrefix() {
        return ioThreadPool + "-";
    }

    public boolean ready() {
        return services.ready();
    }

    @Override
    public void close() {
        startup.interrupt(); // stops asking the registry
        if (grpc != null) {
            grpc.close();
        }
        closeListeners();
        admin.close(); // writes the state that is still pending
        log.info("scoring node stopped");
    }

    /** Closes the HTTP listeners and what runs requests; the gRPC server is closed before this. */
    private void closeListeners() {
        channel.close().syncUninterruptibly();
        if (adminChannel != null) {
            adminChannel.close().syncUninterruptibly();
        }
        shadows.close();
        modelExecutor.close(); // before the event loops, which its running tasks hand their replies to
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        adminExecutor.shutdownNow();
    }

    public static void main(String[] args) {
        ScoringNode node = start(NodeConfig.fromEnvironment());
        Runtime.getRuntime().addShutdownHook(new Thread(node::close, "scoring-shutdown"));
    }
}
