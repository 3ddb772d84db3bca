package vidensbase.cluster;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.opensearch.common.settings.Settings;
import org.opensearch.node.MockNode;
import org.opensearch.node.Node;
import org.opensearch.transport.Netty4Plugin;

/**
 * Node {@code i} (0, 1 or 2) of a three-node OpenSearch cluster on loopback: HTTP on port
 * 19200 + i and transport on 19300 + i, its data under {@code DIR/node-i}. A real node with real
 * HTTP (netty4), started the way OpenSearch's own test framework starts one, outside JUnit.
 *
 * <p>Usage: {@code java -cp ... vidensbase.cluster.ClusterNode I DIR}
 */
public final class ClusterNode {
    private ClusterNode() {}

    public static void main(String[] args) throws Exception {
        int i = Integer.parseInt(args[0]);
        Path home = Path.of(args[1]).toAbsolutePath().resolve("node-" + i);
        Files.createDirectories(home.resolve("config"));
        Settings settings = Settings.builder()
            .put("cluster.name", "vidensbase-test")
            .put("node.name", "n" + i)
            .put("path.home", home.toString())
            .put("path.data", home.resolve("data").toString())
            .put("path.logs", home.resolve("logs").toString())
            .put("network.host", "127.0.0.1")
            .put("http.port", 19200 + i)
            .put("transport.port", 19300 + i)
            .putList("discovery.seed_hosts", "127.0.0.1:19300", "127.0.0.1:19301", "127.0.0.1:19302")
            .putList("cluster.initial_cluster_manager_nodes", "n0", "n1", "n2")
            // A test machine's disk may be fuller than production watermarks allow; the
            // replicas must be placed all the same.
            .put("cluster.routing.allocation.disk.threshold_enabled", false)
            .put("http.type", "netty4")
            .put("transport.type", "netty4")
            .build();
        Node node = new MockNode(settings, List.of(Netty4Plugin.class));
        node.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.close();
            } catch (Exception e) {
                // Stopping anyway.
            }
        }));
        Thread.currentThread().join();
    }
}
