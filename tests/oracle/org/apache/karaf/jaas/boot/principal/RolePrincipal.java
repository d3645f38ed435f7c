// A stand-in for Apache Karaf's role principal, under Karaf's class name, so
// that the oracle can load `groupClass="org.apache.karaf.jaas.boot.principal.RolePrincipal"`
// as ActiveMQ in Karaf does. Like the JAAS principals, it is equal to a
// principal of the same class with the same name; it has a (String)
// constructor, which createGroupPrincipal uses.
package org.apache.karaf.jaas.boot.principal;

import java.security.Principal;

public final class RolePrincipal implements Principal {
    private final String name;

    public RolePrincipal(String name) {
        this.name = name;
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public boolean equals(Object o) {
        return o != null && o.getClass() == RolePrincipal.class && name.equals(((RolePrincipal) o).name);
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }

    @Override
    public String toString() {
        return "RolePrincipal[" + name + "]";
    }
}
