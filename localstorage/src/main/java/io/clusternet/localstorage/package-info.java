/**
 * A typed, declarative directory tree placed on pluggable storage.
 *
 * <p>A {@link io.clusternet.localstorage.Directory} subclass declares its children once, as final
 * fields created with {@code dir(...)} and {@code file(...)}. A directory is <em>placed</em> when
 * it is constructed: its constructor takes a {@link io.clusternet.localstorage.Placement}, which
 * only {@link io.clusternet.localstorage.Placement#root(Storage)} or a parent directory can make,
 * so an unplaced node cannot exist. Files are {@link io.clusternet.localstorage.TypedFile}s with a
 * {@link io.clusternet.localstorage.Codec}; writes are atomic and durable.
 *
 * <p>Where the tree lives is a {@link io.clusternet.localstorage.Storage}: {@link
 * io.clusternet.localstorage.NioStorage} on any {@code java.nio.file} file system, {@link
 * io.clusternet.localstorage.InMemoryStorage}, or a host application's own implementation.
 */
package io.clusternet.localstorage;
