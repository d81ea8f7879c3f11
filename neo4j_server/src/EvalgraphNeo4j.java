import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;

/**
 * Runs a Neo4j 5.26 Community DBMS from the Maven Central jars, with Bolt on a
 * loopback address and authentication on.
 *
 * Why a launcher of our own: the Neo4j server tarball is not on Maven Central,
 * but org.neo4j:neo4j plus org.neo4j:neo4j-bolt are, and together they give the
 * same database engine and the same Bolt protocol the official drivers speak.
 *
 * Usage: java -cp "lib/*:classes" EvalgraphNeo4j HOME HOST PORT
 * The password of user neo4j is read from the NEO4J_PASSWORD environment
 * variable (never from the command line, where `ps` would show it).
 */
public final class EvalgraphNeo4j {
    private EvalgraphNeo4j() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: EvalgraphNeo4j HOME HOST PORT");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        String host = args[1];
        int port = Integer.parseInt(args[2]);
        String password = System.getenv("NEO4J_PASSWORD");
        if (password == null || password.length() < 8) {
            System.err.println("NEO4J_PASSWORD must be set and at least 8 characters long");
            System.exit(2);
        }
        Files.createDirectories(home);

        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(home)
                .setConfig(GraphDatabaseSettings.auth_enabled, true)
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress(host, port))
                .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
                .setConfig(HttpConnector.enabled, false)
                .setConfig(GraphDatabaseSettings.pagecache_memory, 256L * 1024 * 1024)
                .build();

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            dbms.shutdown();
            stopped.countDown();
        }, "evalgraph-neo4j-shutdown"));

        setPassword(dbms, password);
        System.out.println("evalgraph-neo4j: ready on bolt://" + host + ":" + port);
        System.out.flush();
        stopped.await();
    }

    /** The embedded API runs with full rights on the system database, so the
     *  initial password can be set here without the neo4j-admin tool. */
    private static void setPassword(DatabaseManagementService dbms, String password) {
        try {
            dbms.database("system").executeTransactionally(
                    "ALTER USER neo4j SET PASSWORD $pw CHANGE NOT REQUIRED", Map.of("pw", password));
        } catch (RuntimeException e) {
            // Same password as already stored: Neo4j refuses to "change" it; nothing to do.
            String msg = String.valueOf(e.getMessage());
            if (!msg.contains("Old password and new password cannot be the same")) {
                throw e;
            }
        }
    }
}
