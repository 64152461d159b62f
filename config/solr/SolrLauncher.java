import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import org.apache.solr.embedded.JettyConfig;
import org.apache.solr.embedded.JettySolrRunner;

/**
 * Starts Apache Solr 9 (embedded Jetty from solr-test-framework) on 127.0.0.1.
 *
 * Usage: java -cp 'lib/*' SolrLauncher.java SOLR_HOME PORT
 *
 * SOLR_HOME holds solr.xml and one folder per core (core.properties + conf/).
 * Solr is served at http://127.0.0.1:PORT/solr/. The process runs until it is
 * sent SIGTERM, when Jetty and the cores shut down cleanly.
 */
public class SolrLauncher {
    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: SolrLauncher SOLR_HOME PORT");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        int port = Integer.parseInt(args[1]);
        if (!Files.exists(home.resolve("solr.xml"))) {
            System.err.println("no solr.xml in " + home);
            System.exit(2);
        }
        JettyConfig config = JettyConfig.builder()
                .setPort(port)
                .setContext("/solr")
                .stopAtShutdown(true)
                .build();
        JettySolrRunner runner = new JettySolrRunner(home.toString(), new Properties(), config);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                runner.stop();
            } catch (Exception e) {
                e.printStackTrace();
            }
        }));
        runner.start();
        System.out.println("Solr is up at http://127.0.0.1:" + runner.getLocalPort() + "/solr/");
        Thread.currentThread().join();
    }
}
