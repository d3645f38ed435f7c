// A principal class with only a no-argument constructor and setName(String):
// createGroupPrincipal's second way of making a principal from a name.
package mqauthz.oracle;

import java.security.Principal;

public final class NamedPrincipal implements Principal {
    private String name;

    public NamedPrincipal() {
    }

    public void setName(String name) {
        this.name = name;
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public boolean equals(Object o) {
        return o != null && o.getClass() == NamedPrincipal.class && String.valueOf(name).equals(String.valueOf(((NamedPrincipal) o).name));
    }

    @Override
    public int hashCode() {
        return String.valueOf(name).hashCode();
    }
}
