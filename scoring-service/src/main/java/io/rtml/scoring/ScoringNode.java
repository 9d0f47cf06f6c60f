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
import java.net.InetSocketAddress;
import java.nio.channels.spi.SelectorProvider;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
    private final Channel channel;
    private final Services services;
    private final NodeAdmin admin;
    private final Thread startup;
    private final String ioThreadPool = "scoring-io-" + INSTANCES.incrementAndGet();

    private ScoringNode(NodeConfig config) throws InterruptedException {
        services = new Services();
        NodeIdentity node = new NodeIdentity(config.nodeName(), config.nodeKind(), config.region());
        ModelLoader loader = new ModelLoader(config.intraOpThreads());
        Inference inference = new Inference(loader.environment());
        ArtifactCache cache = new ArtifactCache(config.dataDir().resolve("artifacts"), config.downloadTimeout());
        StateFile stateFile = new StateFile(config.dataDir());
        adminExecutor = Executors.newFixedThreadPool(config.adminThreads(), daemonThreads("scoring-admin"));
        admin = new NodeAdmin(services, loader, cache, stateFile, config.standbyVersions(), adminExecutor);
        RequestRouter router = new RequestRouter(new OipHandler(services, node), new RecordsHandler(services),
                new AdminHandler(config.adminToken(), admin, services, node, adminExecutor), config.apiKeys(),
                inference, config.maxBatchRows());
        boss = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("scoring-accept"), NioIoHandler.newFactory());
        // Named per node so that thread dumps, profiles and the benchmark's CPU accounting can find them.
        workers = new MultiThreadIoEventLoopGroup(config.ioThreads(), new DefaultThreadFactory(ioThreadPool),
                NioIoHandler.newFactory(SelectorProvider.provider(), new SpinningSelect(config.ioSpinMicros())));
        channel = new ServerBootstrap()
                .group(boss, workers)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new BodyLimit(config.maxBodyBytes()), router);
                    }
                })
                .bind(new InetSocketAddress(config.bindAddress(), config.port())).sync().channel();
        log.info("scoring node listening port={} config={}", port(), config);
        StateRestorer restorer = new StateRestorer(stateFile, cache, loader, services);
        DesiredStateLoader desired = config.registry() == null ? null
                : new DesiredStateLoader(config.registry(), admin, services);
        // Its own thread, not the admin executor: the desired-state loader waits for stages that run there.
        startup = new Thread(() -> {
            StateRestorer.Restored restored = restorer.restore();
            if (restored.versions() > 0 || desired == null || !desired.load()) {
                // What it served before is what it should serve (nothing, for a node with no state).
                services.expect(restored.activeServices());
            }
        }, "scoring-startup");
        startup.setDaemon(true);
        startup.start();
    }

    public static ScoringNode start(NodeConfig config) {
        try {
            return new ScoringNode(config);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting", e);
        }
    }

    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
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
        channel.close().syncUninterruptibly();
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        adminExecutor.shutdownNow();
        admin.close(); // writes the state that is still pending
        log.info("scoring node stopped");
    }

    public static void main(String[] args) {
        ScoringNode node = start(NodeConfig.fromEnvironment());
        Runtime.getRuntime().addShutdownHook(new Thread(node::close, "scoring-shutdown"));
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
