package gapless.tools;

import java.nio.file.Path;
import java.util.List;

/**
 * Where one node of a {@link LocalCluster} lives: its conf file, and its ports and seeds with the
 * cluster's port offset already applied.
 */
record NodeLayout(String id, Path conf, int httpPort, int arteryPort, List<String> roles, List<String> seeds) {}
