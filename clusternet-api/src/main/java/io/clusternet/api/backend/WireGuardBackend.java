package io.clusternet.api.backend;

import io.clusternet.api.wg.DeviceConfig;
import io.clusternet.api.wg.DeviceState;
import java.util.List;
import java.util.Optional;

/**
 * A WireGuard implementation clusternet drives: the kernel over netlink, or wireguard-go over its
 * UAPI socket. Implementations are thread-safe.
 */
public interface WireGuardBackend extends AutoCloseable {

  /** The names of the WireGuard devices this backend can see, sorted. */
  List<String> deviceNames() throws BackendException;

  /** The device's current state, or empty if there is no such device. */
  Optional<DeviceState> device(String name) throws BackendException;

  /**
   * Applies a change to an existing device. Not transactional in any WireGuard implementation:
   * after a failure, part of the change may have been applied; read the device to know.
   *
   * @throws BackendException with {@link BackendException.Reason#NOT_FOUND} if there is no such
   *     device
   */
  void configure(String name, DeviceConfig config) throws BackendException;

  /** Releases what the backend holds (sockets). Does not touch any device. Idempotent. */
  @Override
  void close();
}
