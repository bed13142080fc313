// Test-data oracle: answers questions with the real ZooKeeper 3.8 classes
// (Debian's /usr/share/java/zookeeper.jar), to produce ../zk38_oracle.txt.
// Not built or run by the test suite; see README.md here.
//
// Reads commands from stdin, one per line: "<cmd> <arg>", "\n" in <arg>
// standing for a newline. Prints "OK <result>" or "ERR <exception>: <message>"
// per command, newlines in results again written "\n".
//   qs <spec>        new QuorumServer(7, spec).toString()
//   qv <text>        parseDynamicConfig(text).toString()  (/zookeeper/config)
//   dyn <text>       writeDynamicConfig(parseDynamicConfig(text)) file content
//   cc <text>        ConfigUtils.getClientConfigStr(text)   (config -c)
//   incr <text>@<leaving>@<joining>@<hexversion>
//                    the leader's incremental reconfig on parseDynamicConfig(text)
//   static <0|1>@<text>  editStaticConfig(text, <dir>/zoo.cfg.dynamic.100000000, erase)
//   props <text>     Properties iteration order
//   csp <connect>    ConnectStringParser
import java.io.*;
import java.util.*;
import org.apache.zookeeper.server.quorum.QuorumPeer.QuorumServer;
import org.apache.zookeeper.server.quorum.QuorumPeerConfig;
import org.apache.zookeeper.server.quorum.flexible.QuorumVerifier;
import org.apache.zookeeper.server.util.ConfigUtils;
import org.apache.zookeeper.client.ConnectStringParser;
import org.apache.zookeeper.common.PathUtils;

public class Oracle {
  static String unesc(String s) { return s.replace("\\n", "\n").replace("\\t", "\t").replace("\\r", "\r"); }
  static String esc(String s) { return s.replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r"); }
  public static void main(String[] a) throws Exception {
    System.setProperty("zookeeper.multiAddress.enabled", "true");
    BufferedReader r = new BufferedReader(new InputStreamReader(System.in, "UTF-8"));
    PrintStream out = new PrintStream(System.out, true, "UTF-8");
    String line;
    while ((line = r.readLine()) != null) {
      int sp = line.indexOf(' ');
      String cmd = sp < 0 ? line : line.substring(0, sp);
      String arg = sp < 0 ? "" : unesc(line.substring(sp + 1));
      try {
        switch (cmd) {
          case "qs": { QuorumServer q = new QuorumServer(7, arg); out.println("OK " + esc(q.toString()) + " | client=" + (q.clientAddr == null ? "null" : q.clientAddr.getHostString() + ":" + q.clientAddr.getPort()) + " hostname=" + q.hostname); break; }
          case "cc": out.println("OK " + esc(ConfigUtils.getClientConfigStr(arg))); break;
          case "props": { Properties p = new Properties(); p.load(new StringReader(arg)); StringBuilder sb = new StringBuilder();
            for (Map.Entry<Object,Object> e : p.entrySet()) sb.append("[" + esc(e.getKey().toString()) + "]=[" + esc(e.getValue().toString()) + "] ");
            out.println("OK " + sb); break; }
          case "qv": { Properties p = new Properties(); p.load(new StringReader(arg));
            QuorumVerifier qv = QuorumPeerConfig.parseDynamicConfig(p, 3, false, false, null); out.println("OK " + esc(qv.toString())); break; }
          case "dyn": { Properties p = new Properties(); p.load(new StringReader(arg));
            QuorumVerifier qv = QuorumPeerConfig.parseDynamicConfig(p, 3, false, false, null);
            File f = File.createTempFile("dyn", ".cfg"); QuorumPeerConfig.writeDynamicConfig(f.getPath(), qv, false);
            out.println("OK " + esc(new String(java.nio.file.Files.readAllBytes(f.toPath()), "UTF-8"))); f.delete(); break; }
          case "static": { // arg: erase(0/1)|static text
            int bar = arg.indexOf('@'); boolean erase = arg.substring(0, bar).equals("1");
            File f = File.createTempFile("zoo", ".cfg"); try (Writer w = new OutputStreamWriter(new FileOutputStream(f), "UTF-8")) { w.write(arg.substring(bar + 1)); }
            File d = new File(System.getProperty("java.io.tmpdir"), "zoo.cfg.dynamic.100000000"); d.createNewFile();
            QuorumPeerConfig.editStaticConfig(f.getPath(), d.getPath(), erase);
            out.println("OK " + esc(new String(java.nio.file.Files.readAllBytes(f.toPath()), "UTF-8"))); f.delete(); break; }
          case "csp": { ConnectStringParser c = new ConnectStringParser(arg); StringBuilder sb = new StringBuilder();
            for (java.net.InetSocketAddress x : c.getServerAddresses()) sb.append("[" + x.getHostString() + "]:" + x.getPort() + " ");
            out.println("OK " + sb + "chroot=" + c.getChrootPath()); break; }
          case "path": PathUtils.validatePath(arg); out.println("OK"); break;
          case "inet": { java.net.InetSocketAddress x = new java.net.InetSocketAddress(arg, 1); out.println("OK " + x.getHostString() + " unresolved=" + x.isUnresolved()); break; }
          case "incr": { String[] p = arg.split("@", -1); Properties pr = new Properties(); pr.load(new StringReader(p[0]));
            QuorumVerifier qv = QuorumPeerConfig.parseDynamicConfig(pr, 3, false, false, null);
            Map<Long, QuorumServer> next = new HashMap<Long, QuorumServer>(qv.getAllMembers());
            if (!p[1].isEmpty()) for (String l : p[1].split(",")) next.remove(Long.parseLong(l));
            if (!p[2].isEmpty()) for (String j : p[2].split(",")) { String[] kv = j.split("="); long sid = Long.parseLong(kv[0].substring(kv[0].lastIndexOf('.') + 1)); QuorumServer q = new QuorumServer(sid, kv[1]); next.remove(sid); next.put(sid, q); }
            org.apache.zookeeper.server.quorum.flexible.QuorumMaj m = new org.apache.zookeeper.server.quorum.flexible.QuorumMaj(next); m.setVersion(Long.parseLong(p[3], 16));
            out.println("OK " + esc(m.toString())); break; }
          default: out.println("ERR unknown command");
        }
      } catch (Throwable t) {
        out.println("ERR " + t.getClass().getSimpleName() + ": " + esc(String.valueOf(t.getMessage())));
      }
    }
  }
}
