package io.clusternet.localstorage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StoragePathTest {
  @Test
  void pathsJoinNames() {
    StoragePath p = StoragePath.of("data", "kubernetes", "clusternet");
    assertThat(p.toString()).isEqualTo("data/kubernetes/clusternet");
    assertThat(p.parent()).isEqualTo(StoragePath.of("data", "kubernetes"));
    assertThat(p.fileName()).isEqualTo("clusternet");
    assertThat(StoragePath.ROOT.isRoot()).isTrue();
    assertThat(StoragePath.of("data").contains(p)).isTrue();
    assertThat(p.contains(StoragePath.of("data"))).isFalse();
    assertThat(StoragePath.of("a").compareTo(StoragePath.of("a", "b"))).isNegative();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", ".", "..", "a/b", "/", "nul\0"})
  void invalidNamesAreRejectedWithTheParentPath(String name) {
    assertThatThrownBy(() -> StoragePath.of("data").resolve(name))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("under /data");
  }

  @Test
  void rootHasNoParent() {
    assertThatThrownBy(StoragePath.ROOT::parent).isInstanceOf(IllegalStateException.class);
  }
}
