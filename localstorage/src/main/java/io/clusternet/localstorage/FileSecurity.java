package io.clusternet.localstorage;

/**
 * Who owns a file or directory and who may change it: the facts an ssh-style {@code StrictModes}
 * check needs (see {@link Storage#security(StoragePath)}).
 *
 * @param mode the permission bits
 * @param ownerUid the owner's numeric user id
 * @param processUid this process's user id
 * @param readOnlyFileSystem whether the file system holding it is mounted read-only, so that
 *     nobody can change it whatever its mode says, and its mode cannot be changed either
 */
public record FileSecurity(FileMode mode, int ownerUid, int processUid,
    boolean readOnlyFileSystem) {

  /** The owner is root or this process's user: nobody else can have put it there or replace it. */
  public boolean trustedOwner() {
    return ownerUid == 0 || ownerUid == processUid;
  }

  /** Whether group or others may write it in effect (a write bit on a writable file system). */
  public boolean writableByGroupOrOthers() {
    return !readOnlyFileSystem && (mode.bits() & 0022) != 0;
  }
}
