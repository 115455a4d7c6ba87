package timberline;

import org.opensearch.analysis.common.CommonAnalysisPlugin;
import org.opensearch.common.logging.LogConfigurator;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.http.HttpServerTransport;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.painless.PainlessPlugin;
import org.opensearch.plugins.Plugin;
import org.opensearch.transport.Netty4Plugin;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A real single-node OpenSearch 2.x cluster on 127.0.0.1, embedded, for timberline's
 * integration tests. The node is org.opensearch.node.Node itself, with the plugins that the
 * real distribution ships as modules (netty4 HTTP, analysis-common, painless) loaded from the
 * class path, so there is no distribution to download and no plugin folder to lay out.
 *
 * <pre>
 * java -cp 'target/opensearch-test-node-1.jar:target/lib/*' timberline.OpenSearchNode \
 *     --home DIR [--http-port 0|PORT|FROM-TO] [--port-file FILE] [--watch-pid PID]
 *     [--ignore-stdin] [-E setting=value]...
 * </pre>
 *
 * Once the HTTP layer listens it prints the HTTP port alone on a line on stdout (and writes it
 * to --port-file, atomically). Logs go to HOME/logs/opensearch.log, never stdout. It stops
 * cleanly on SIGTERM/SIGINT, when its stdin reaches end of file (unless stdin is /dev/null or
 * --ignore-stdin is given), and when the process --watch-pid ends: a harness that dies does
 * not leave a JVM behind.
 */
public final class OpenSearchNode {

    /** Node's constructor that takes class-path plugins is protected. */
    static final class EmbeddedNode extends Node {
        EmbeddedNode(Environment environment, Collection<Class<? extends Plugin>> plugins) {
            super(environment, plugins, true);
        }
    }

    private static final List<Class<? extends Plugin>> PLUGINS = List.of(
        Netty4Plugin.class,
        CommonAnalysisPlugin.class,
        PainlessPlugin.class
    );

    private static PrintStream out = System.out;
    private static PrintStream err = System.err;

    private static void usage(String why) {
        err.println("OpenSearchNode: " + why);
        err.println(
            "usage: OpenSearchNode --home DIR [--http-port 0|PORT|FROM-TO] [--port-file FILE]"
                + " [--watch-pid PID] [--ignore-stdin] [-E setting=value]..."
        );
        System.exit(2);
    }

    public static void main(String[] args) throws Exception {
        // Before anything touches log4j: our shutdown hook closes the node, then log4j.
        System.setProperty("log4j.shutdownHookEnabled", "false");
        System.setProperty("log4j2.disable.jmx", "true");
        // OpenSearch's LogConfigurator sends System.out/err to the log: keep the real ones.
        out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);

        Path home = null;
        String httpPort = "0";
        Path portFile = null;
        long watchPid = -1;
        boolean ignoreStdin = false;
        Settings.Builder extra = Settings.builder();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            boolean hasValue = i + 1 < args.length;
            switch (a) {
                case "--home":
                    if (!hasValue) usage("--home needs a folder");
                    home = Paths.get(args[++i]).toAbsolutePath().normalize();
                    break;
                case "--http-port":
                    if (!hasValue) usage("--http-port needs 0, a port or a range FROM-TO");
                    httpPort = args[++i];
                    break;
                case "--port-file":
                    if (!hasValue) usage("--port-file needs a file");
                    portFile = Paths.get(args[++i]).toAbsolutePath();
                    break;
                case "--watch-pid":
                    if (!hasValue) usage("--watch-pid needs a process id");
                    watchPid = Long.parseLong(args[++i]);
                    break;
                case "--ignore-stdin":
                    ignoreStdin = true;
                    break;
                case "-E": {
                    if (!hasValue) usage("-E needs setting=value");
                    String kv = args[++i];
                    int eq = kv.indexOf('=');
                    if (eq <= 0) usage("-E needs setting=value, got " + kv);
                    extra.put(kv.substring(0, eq), kv.substring(eq + 1));
                    break;
                }
                default:
                    usage("unknown argument " + a);
            }
        }
        if (home == null) usage("--home is required");

        Path config = home.resolve("config");
        Path data = home.resolve("data");
        Path logs = home.resolve("logs");
        for (Path p : List.of(config, data, logs, home.resolve("plugins"), home.resolve("modules"))) {
            Files.createDirectories(p);
        }
        Path log4jConfig = config.resolve("log4j2.properties");
        if (!Files.exists(log4jConfig)) {
            try (InputStream in = OpenSearchNode.class.getResourceAsStream("log4j2.properties")) {
                Files.copy(in, log4jConfig);
            }
        }

        Settings settings = Settings.builder()
            .put("path.home", home.toString())
            .put("path.data", data.toString())
            .put("path.logs", logs.toString())
            .put("cluster.name", "timberline-test")
            .put("node.name", "timberline-node")
            .put("discovery.type", "single-node")
            .put("network.host", "127.0.0.1")
            .put("http.port", httpPort)
            .put("transport.port", "0")
            // A fullish disk must not turn the test indices read-only.
            .put("cluster.routing.allocation.disk.threshold_enabled", false)
            // With a small heap the real-memory breaker answers 429 under GC pressure.
            .put("indices.breaker.total.use_real_memory", false)
            .put("bootstrap.memory_lock", false)
            .put(extra.build())
            .build();

        Environment environment = InternalSettingsPreparer.prepareEnvironment(
            settings,
            Map.of(),
            config,
            () -> "timberline-node"
        );
        // As the distribution's Bootstrap does: the log pattern's %node_name needs it first.
        LogConfigurator.setNodeName(Node.NODE_NAME_SETTING.get(environment.settings()));
        LogConfigurator.configure(environment);

        final Node node = new EmbeddedNode(environment, PLUGINS);
        final CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.close();
                if (!node.awaitClose(30, TimeUnit.SECONDS)) {
                    err.println("OpenSearchNode: node did not close within 30 s");
                }
            } catch (Exception e) {
                err.println("OpenSearchNode: error while stopping: " + e);
            } finally {
                org.apache.logging.log4j.LogManager.shutdown();
                stopped.countDown();
            }
        }, "timberline-opensearch-shutdown"));

        try {
            node.start();
        } catch (Throwable t) {
            err.println("OpenSearchNode: the node did not start: " + t);
            t.printStackTrace(err);
            System.exit(1);
        }

        int port = node.injector().getInstance(HttpServerTransport.class).boundAddress().publishAddress().getPort();
        if (portFile != null) {
            Path tmp = portFile.resolveSibling(portFile.getFileName() + ".tmp");
            Files.write(tmp, (port + "\n").getBytes(StandardCharsets.US_ASCII));
            Files.move(tmp, portFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        out.println(port);
        out.flush();

        if (watchPid > 0) {
            final long pid = watchPid;
            var parent = ProcessHandle.of(pid);
            if (parent.isEmpty()) {
                err.println("OpenSearchNode: process " + pid + " is gone; stopping");
                System.exit(0);
            }
            parent.get().onExit().thenRun(() -> {
                err.println("OpenSearchNode: process " + pid + " ended; stopping");
                System.exit(0);
            });
        }
        if (!ignoreStdin && !stdinIsDevNull()) {
            Thread watcher = new Thread(() -> {
                try {
                    byte[] buf = new byte[256];
                    while (System.in.read(buf) >= 0) {
                        // whatever comes in is ignored; only end of file matters
                    }
                } catch (Exception e) {
                    // a broken stdin counts as closed
                }
                err.println("OpenSearchNode: stdin closed; stopping");
                System.exit(0);
            }, "timberline-opensearch-stdin");
            watcher.setDaemon(true);
            watcher.start();
        }

        // OpenSearch's own threads are daemons: this one keeps the JVM up until shutdown.
        stopped.await();
    }

    /** A node started in the background (stdin from /dev/null) has nothing to watch on stdin. */
    private static boolean stdinIsDevNull() {
        try {
            return Files.readSymbolicLink(Paths.get("/proc/self/fd/0")).toString().equals("/dev/null");
        } catch (Exception e) {
            return false;
        }
    }
}
