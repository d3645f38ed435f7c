// Differential oracle: answers authorization lookups with ActiveMQ's own
// DefaultAuthorizationMap, for comparison with mqauthz's evaluator.
//
// Input (stdin), one record per line, fields separated by TAB, every field
// escaped with \\ \t \n (backslash, tab, newline):
//
//   MAP                                         start a map
//   E  queue|topic  NAME  CLASS  READ  WRITE  ADMIN   an authorizationEntry
//   D  CLASS  READ  WRITE  ADMIN                 the defaultEntry
//   T  CLASS  READ  WRITE  ADMIN                 the tempDestinationAuthorizationEntry
//   K  queue|topic  KEY                          a lookup (answered in order)
//   END                                          build the map, answer its keys
//
// CLASS is the entry's groupClass, empty for none. A READ, WRITE or ADMIN
// field that is exactly \N leaves that attribute unset (its setter is not
// called). A K line of kind "temp" (its key is ignored) asks for the
// tempDestinationAuthorizationEntry's lists. For every K line the output has
// one line:
//
//   OK  READ  WRITE  ADMIN      each field "count:" then escaped names joined by ","
//   NULL                        (temp only) no tempDestinationAuthorizationEntry
//   ERR  message                the lookup threw
//
// sorted; the match-all principal prints as "*", a GroupPrincipal as its
// name, a principal of another class as NAME\cCLASS (\c standing for a
// comma). A map that cannot be built (a groupClass that cannot be loaded,
// for one) answers every key with ERR.
//
// "java Oracle bench N" reads one map, warms up, then times N read lookups
// cycling over its keys and prints "lookups_per_sec <rate>".

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.apache.activemq.command.ActiveMQDestination;
import org.apache.activemq.command.ActiveMQQueue;
import org.apache.activemq.command.ActiveMQTopic;
import org.apache.activemq.filter.DestinationMapEntry;
import org.apache.activemq.security.AuthorizationEntry;
import org.apache.activemq.security.DefaultAuthorizationMap;
import org.apache.activemq.security.TempDestinationAuthorizationEntry;

public class Oracle {
    static String unescape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char n = s.charAt(++i);
                b.append(n == 't' ? '\t' : n == 'n' ? '\n' : n);
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\') b.append("\\\\");
            else if (c == '\t') b.append("\\t");
            else if (c == '\n') b.append("\\n");
            else b.append(c);
        }
        return b.toString();
    }

    static final String UNSET = "\u0000unset";

    static String[] fields(String line) {
        String[] f = line.split("\t", -1);
        for (int i = 0; i < f.length; i++) f[i] = f[i].equals("\\N") ? UNSET : unescape(f[i]);
        return f;
    }

    static ActiveMQDestination dest(String kind, String name) {
        return kind.equals("topic") ? new ActiveMQTopic(name) : new ActiveMQQueue(name);
    }

    static void fill(AuthorizationEntry e, String[] f, int at) throws Exception {
        if (!f[at].isEmpty()) e.setGroupClass(f[at]);
        if (f[at + 1] != UNSET) e.setRead(f[at + 1]);
        if (f[at + 2] != UNSET) e.setWrite(f[at + 2]);
        if (f[at + 3] != UNSET) e.setAdmin(f[at + 3]);
    }

    static final String GROUP_CLASS = "org.apache.activemq.jaas.GroupPrincipal";

    // A principal as mqauthz keys it: "*" for the match-all principal, the
    // name for a GroupPrincipal, otherwise the name and the class joined by
    // "\c" (a comma; names never hold one, and the list is joined by commas).
    static String principal(Object o) {
        String name = ((Principal) o).getName();
        Class<?> c = o.getClass();
        if (c.isAnonymousClass() && c.getEnclosingClass() == DefaultAuthorizationMap.class) return "*";
        if (c.getName().equals(GROUP_CLASS)) return escape(name);
        return escape(name) + "\\c" + escape(c.getName());
    }

    static String names(Set<Object> acl) {
        TreeSet<String> sorted = new TreeSet<>();
        for (Object o : acl) sorted.add(principal(o));
        StringBuilder b = new StringBuilder();
        b.append(sorted.size()).append(':');
        boolean first = true;
        for (String s : sorted) {
            if (!first) b.append(',');
            b.append(s);
            first = false;
        }
        return b.toString();
    }

    static final class Batch {
        List<DestinationMapEntry> entries = new ArrayList<>();
        AuthorizationEntry defaultEntry;
        TempDestinationAuthorizationEntry temp;
        List<String[]> keys = new ArrayList<>();
        String error;
    }

    static DefaultAuthorizationMap build(Batch b) {
        DefaultAuthorizationMap map = new DefaultAuthorizationMap();
        map.setAuthorizationEntries(b.entries);
        if (b.defaultEntry != null) map.setDefaultEntry(b.defaultEntry);
        if (b.temp != null) map.setTempDestinationAuthorizationEntry(b.temp);
        return map;
    }

    static Batch read(BufferedReader in) throws Exception {
        Batch b = null;
        String line;
        while ((line = in.readLine()) != null) {
            if (line.equals("MAP")) {
                b = new Batch();
                continue;
            }
            if (b == null) continue;
            if (line.equals("END")) return b;
            String[] f = fields(line);
            try {
                switch (f[0]) {
                    case "E": {
                        AuthorizationEntry e = new AuthorizationEntry();
                        if (f[1].equals("topic")) e.setTopic(f[2]); else e.setQueue(f[2]);
                        fill(e, f, 3);
                        b.entries.add(e);
                        break;
                    }
                    case "D": {
                        AuthorizationEntry e = new AuthorizationEntry();
                        fill(e, f, 1);
                        b.defaultEntry = e;
                        break;
                    }
                    case "T": {
                        TempDestinationAuthorizationEntry e = new TempDestinationAuthorizationEntry();
                        fill(e, f, 1);
                        b.temp = e;
                        break;
                    }
                    case "K":
                        b.keys.add(new String[] {f[1], f[2]});
                        break;
                    default:
                        throw new IllegalArgumentException("bad record " + f[0]);
                }
            } catch (Exception ex) {
                if (b.error == null) b.error = ex.toString();
            }
        }
        return null;
    }

    static String clean(String s) {
        return escape(s == null ? "null" : s);
    }

    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        PrintWriter out = new PrintWriter(new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8)));
        if (args.length > 0 && args[0].equals("bench")) {
            long n = args.length > 1 ? Long.parseLong(args[1]) : 1_000_000L;
            Batch b = read(in);
            if (b != null) b.keys.removeIf(k -> k[0].equals("temp"));
            if (b == null || b.error != null || b.keys.isEmpty()) {
                System.err.println("bench: need one valid map with keys: " + (b == null ? "no map" : b.error));
                System.exit(2);
            }
            DefaultAuthorizationMap map = build(b);
            ActiveMQDestination[] keys = new ActiveMQDestination[b.keys.size()];
            for (int i = 0; i < keys.length; i++) keys[i] = dest(b.keys.get(i)[0], b.keys.get(i)[1]);
            long sink = 0;
            long warm = Math.max(n / 5, 100_000L);
            for (long i = 0; i < warm; i++) sink += map.getReadACLs(keys[(int) (i % keys.length)]).size();
            long t0 = System.nanoTime();
            for (long i = 0; i < n; i++) sink += map.getReadACLs(keys[(int) (i % keys.length)]).size();
            long t1 = System.nanoTime();
            double secs = (t1 - t0) / 1e9;
            out.printf("lookups %d seconds %.6f lookups_per_sec %.0f sink %d%n", n, secs, n / secs, sink);
            out.flush();
            return;
        }
        Batch b;
        while ((b = read(in)) != null) {
            DefaultAuthorizationMap map = null;
            String error = b.error;
            if (error == null) {
                try {
                    map = build(b);
                } catch (Exception ex) {
                    error = ex.toString();
                }
            }
            for (String[] k : b.keys) {
                if (error != null) {
                    out.println("ERR\t" + clean(error));
                    continue;
                }
                try {
                    if (k[0].equals("temp")) {
                        if (map.getTempDestinationReadACLs() == null) {
                            out.println("NULL");
                        } else {
                            out.println("OK\t" + names(map.getTempDestinationReadACLs()) + "\t"
                                + names(map.getTempDestinationWriteACLs()) + "\t"
                                + names(map.getTempDestinationAdminACLs()));
                        }
                        continue;
                    }
                    ActiveMQDestination d = dest(k[0], k[1]);
                    String r = names(map.getReadACLs(d));
                    String w = names(map.getWriteACLs(d));
                    String a = names(map.getAdminACLs(d));
                    out.println("OK\t" + r + "\t" + w + "\t" + a);
                } catch (Throwable ex) {
                    out.println("ERR\t" + clean(ex.toString()));
                }
            }
        }
        out.flush();
    }
}
