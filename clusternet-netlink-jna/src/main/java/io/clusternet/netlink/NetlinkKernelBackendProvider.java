package io.clusternet.netlink;

import io.clusternet.api.backend.BackendException;
import io.clusternet.api.backend.KernelBackendProvider;
import io.clusternet.api.backend.LinkBackend;
import io.clusternet.api.backend.WireGuardBackend;

/** The netlink implementation of {@link KernelBackendProvider}, registered for ServiceLoader. */
public final class NetlinkKernelBackendProvider implements KernelBackendProvider {
  @Override
  public WireGuardBackend openWireGuard() throws BackendException {
    return NetlinkWireGuardBackend.open();
  }

  @Override
  public LinkBackend openLinks() throws BackendException {
    return NetlinkLinkBackend.open();
  }

  @Override
  public WireGuardBackend openWireGuardIn(java.nio.file.Path namespace) throws BackendException {
    return NetlinkWireGuardBackend.openIn(namespace);
  }

  @Override
  public LinkBackend openLinksIn(java.nio.file.Path namespace) throws BackendException {
    return NetlinkLinkBackend.openIn(namespace);
  }
}
