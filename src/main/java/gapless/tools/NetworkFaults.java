package gapless.tools;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Real dropped packets between the nodes of a {@link LocalCluster} started with their own loopback
 * addresses ({@link LocalCluster#ownAddresses}): iptables rules in a chain of their own
 * ({@value #CHAIN}), hooked into OUTPUT, which every loopback packet passes. Loopback only: every
 * rule names two 127.x addresses. A link is slowed with tc ({@link #slow}). {@link #heal}
 * drops every rule and delay; {@link #close} (and a shutdown hook, and the next {@link #install})
 * removes the chain and the delay, so no fault outlives a test even when it fails. Needs root and
 * the {@code iptables} command ({@code .ci/install-test-tools} installs it) and {@code tc}.
 */
public final class NetworkFaults implements AutoCloseable {

  public static final String CHAIN = "GAPLESS-FAULTS";

  private final Thread cleanup = new Thread(() -> {
    removeChain();
    removeDelay();
  }, "gapless-network-faults-cleanup");
  private boolean closed;
  private boolean slowed;

  private NetworkFaults() {}

  /** Why faults cannot be injected here (not root, no iptables), or empty when they can. */
  public static Optional<String> unavailable() {
    if (!"root".equals(System.getProperty("user.name"))) {
      return Optional.of("network faults need root (iptables); running as " + System.getProperty("user.name"));
    }
    try {
      Commands.Result r = iptables("-L", "OUTPUT", "-n");
      return r.exit() == 0 ? Optional.empty() : Optional.of("iptables does not work here: " + r.output());
    } catch (IOException e) {
      return Optional.of("no iptables command (run .ci/install-test-tools as root): " + e.getMessage());
    }
  }

  /** A fresh chain, hooked into OUTPUT; a chain left by a run that died is removed first. */
  public static NetworkFaults install() {
    removeChain();
    removeDelay();
    run("-N", CHAIN);
    run("-I", "OUTPUT", "-j", CHAIN);
    NetworkFaults faults = new NetworkFaults();
    Runtime.getRuntime().addShutdownHook(faults.cleanup);
    return faults;
  }

  /** No packet between {@code a} and {@code b}, either way. */
  public synchronized void cut(String a, String b) {
    requireLoopback(a, b);
    run("-A", CHAIN, "-s", a, "-d", b, "-j", "DROP");
    run("-A", CHAIN, "-s", b, "-d", a, "-j", "DROP");
  }

  /**
   * {@code from} cannot reach {@code to} on {@code toPort} (its connections there fail), while
   * {@code to}'s own connections to {@code from} still work: for Artery, messages from
   * {@code from} to {@code to} are lost and those the other way arrive.
   */
  public synchronized void cutOneWay(String from, String to, int toPort) {
    requireLoopback(from, to);
    String port = Integer.toString(toPort);
    run("-A", CHAIN, "-p", "tcp", "-s", from, "-d", to, "--dport", port, "-j", "DROP");
    run("-A", CHAIN, "-p", "tcp", "-s", to, "--sport", port, "-d", from, "-j", "DROP");
  }

  /**
   * Packets from any of {@code from} to any of {@code to} share a link of {@code kbitPerSecond}
   * (tc on {@code lo}: an HTB root whose default class is unlimited, and a u32 filter per address
   * pair into a slow class). A congested link: what does not fit waits in its queue. One slow
   * class at a time; {@link #heal} removes it. (This kernel has no netem for a fixed delay.)
   */
  public synchronized void slow(List<String> from, List<String> to, int kbitPerSecond) {
    from.forEach(NetworkFaults::requireLoopback);
    to.forEach(NetworkFaults::requireLoopback);
    tc("qdisc", "add", "dev", "lo", "root", "handle", "1:", "htb", "default", "10");
    slowed = true;
    tc("class", "add", "dev", "lo", "parent", "1:", "classid", "1:10", "htb", "rate", "100gbit");
    String rate = kbitPerSecond + "kbit";
    tc("class", "add", "dev", "lo", "parent", "1:", "classid", "1:20", "htb", "rate", rate, "ceil", rate);
    for (String f : from) {
      for (String t : to) {
        tc("filter", "add", "dev", "lo", "parent", "1:", "protocol", "ip", "prio", "1", "u32",
            "match", "ip", "src", f + "/32", "match", "ip", "dst", t + "/32", "flowid", "1:20");
      }
    }
  }

  /** Every link works again, at full speed. */
  public synchronized void heal() {
    run("-F", CHAIN);
    if (slowed) {
      removeDelay();
      slowed = false;
    }
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    removeChain();
    removeDelay();
    try {
      Runtime.getRuntime().removeShutdownHook(cleanup);
    } catch (IllegalStateException shuttingDown) {
      // The hook runs anyway.
    }
  }

  private static void removeChain() {
    // Each may fail when there is nothing to remove.
    quietly("-D", "OUTPUT", "-j", CHAIN);
    quietly("-F", CHAIN);
    quietly("-X", CHAIN);
  }

  /** Back to lo's own qdisc; fails quietly when no delay was set. */
  private static void removeDelay() {
    try {
      Commands.run(List.of("tc", "qdisc", "del", "dev", "lo", "root"));
    } catch (IOException | RuntimeException e) {
      // No tc, or nothing to remove.
    }
  }

  private static void tc(String... args) {
    List<String> cmd = new ArrayList<>(List.of("tc"));
    cmd.addAll(List.of(args));
    Commands.require(cmd);
  }

  private static void requireLoopback(String... hosts) {
    for (String h : hosts) {
      if (!h.startsWith("127.")) {
        throw new IllegalArgumentException("network faults are for loopback addresses only, not " + h);
      }
    }
  }

  private static void run(String... args) {
    Commands.require(iptablesCommand(args));
  }

  private static void quietly(String... args) {
    try {
      iptables(args);
    } catch (IOException | RuntimeException e) {
      // Nothing to clean up, or no iptables at all.
    }
  }

  private static Commands.Result iptables(String... args) throws IOException {
    return Commands.run(iptablesCommand(args));
  }

  private static List<String> iptablesCommand(String... args) {
    List<String> cmd = new ArrayList<>(List.of("iptables", "-w", "5"));
    cmd.addAll(List.of(args));
    return cmd;
  }
}
