import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import java.util.HashMap;

import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.server.CommunityBootstrapper;

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
        if (args.length != 4) {
            System.err.println("usage: EvalgraphNeo4j HOME HOST BOLT_PORT HTTP_PORT (0: no HTTP)");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        String host = args[1];
        int port = Integer.parseInt(args[2]);
        int httpPort = Integer.parseInt(args[3]);
        String password = System.getenv("NEO4J_PASSWORD");
        if (password == null || password.length() < 8) {
            System.err.println("NEO4J_PASSWORD must be set and at least 8 characters long");
            System.exit(2);
        }
        Files.createDirectories(home);

        // The user's settings are in HOME/conf/neo4j.conf (written on the first start, then theirs);
        // what the command line decides (where to listen) overrides it on every start, and the
        // advertised addresses are what is really listened on, so the Browser reaches Bolt.
        Map<String, String> overrides = new HashMap<>();
        overrides.put("server.bolt.enabled", "true");
        overrides.put("server.bolt.listen_address", host + ":" + port);
        overrides.put("server.bolt.advertised_address", host + ":" + port);
        overrides.put("server.bolt.tls_level", "DISABLED");
        overrides.put("server.http.enabled", String.valueOf(httpPort > 0));
        if (httpPort > 0) {
            overrides.put("server.http.listen_address", host + ":" + httpPort);
            overrides.put("server.http.advertised_address", host + ":" + httpPort);
        }
        overrides.put("server.https.enabled", "false");
        overrides.put("dbms.security.auth_enabled", "true");
        CommunityBootstrapper server = new CommunityBootstrapper();
        int status = server.start(home, home.resolve("conf").resolve("neo4j.conf"), overrides, false, false);
        if (status != 0) {
            System.err.println("evalgraph-neo4j: the server did not start (status " + status + "), see HOME/logs");
            System.exit(status);
        }
        DatabaseManagementService dbms = server.getDatabaseManagementService();

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.stop();
            stopped.countDown();
        }, "evalgraph-neo4j-shutdown"));

        setPassword(dbms, password);
        System.out.println("evalgraph-neo4j: ready on bolt://" + host + ":" + port
                + (httpPort > 0 ? " and http://" + host + ":" + httpPort + "/browser/" : ""));
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
