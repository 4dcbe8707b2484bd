package io.clusternet.localstorage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusternet.localstorage.codec.Codecs;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryTest {
  static final class Root extends Directory {
    final Data data = dir("data", Data::new);
    final Directory run = dir("run", FileMode.WORLD_READABLE_DIRECTORY);

    Root(Placement placement) {
      super(placement);
    }
  }

  static final class Data extends Directory {
    final TypedFile<String> note = file("note", Codecs.utf8(), FileMode.WORLD_READABLE);
    final Directory secrets = dir("secrets", FileMode.of(0700));

    Data(Placement placement) {
      super(placement);
    }
  }

  @Test
  void childrenArePlacedAtConstruction(@TempDir Path tmp) {
    Root root = new Root(Placement.root(NioStorage.at(tmp)));
    assertThat(root.location()).isEqualTo(tmp.toString());
    assertThat(root.data.location()).isEqualTo(tmp.resolve("data").toString());
    assertThat(root.data.note.location()).isEqualTo(tmp.resolve("data/note").toString());
    assertThat(root.data.note.path()).isEqualTo(StoragePath.of("data", "note"));
    assertThat(root.childNames()).containsExactly("data", "run");
    assertThat(root.data.childNames()).containsExactly("note", "secrets");
  }

  @Test
  void placingTwiceFails() {
    Placement placement = Placement.root(InMemoryStorage.create());
    new Root(placement);
    assertThatThrownBy(() -> new Root(placement))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already placed")
        .hasMessageContaining("mem:/");
  }

  static final class Duplicate extends Directory {
    final Directory a = dir("x", FileMode.of(0700));
    final TypedFile<byte[]> b = file("x", Codecs.bytes(), FileMode.of(0600));

    Duplicate(Placement placement) {
      super(placement);
    }
  }

  static final class Holder extends Directory {
    final Duplicate inner = dir("inner", Duplicate::new);

    Holder(Placement placement) {
      super(placement);
    }
  }

  @Test
  void duplicateNamesAreRejectedNamingTheFullPath(@TempDir Path tmp) {
    assertThatThrownBy(() -> new Holder(Placement.root(NioStorage.at(tmp))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("duplicate name \"x\"")
        .hasMessageContaining(tmp.resolve("inner").toString());
  }

  static final class BadName extends Directory {
    final Directory bad = dir("a/b", FileMode.of(0700));

    BadName(Placement placement) {
      super(placement);
    }
  }

  static final class BadHolder extends Directory {
    final Directory level = dir("level", FileMode.of(0700), p -> new Directory(p) {
      final Directory inner = dir("deeper", FileMode.of(0700), BadName::new);
    });

    BadHolder(Placement placement) {
      super(placement);
    }
  }

  @Test
  void invalidNamesAreRejectedNamingTheFullPath() {
    assertThatThrownBy(() -> new BadHolder(Placement.root(InMemoryStorage.create())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("invalid name \"a/b\" in directory mem:/level/deeper")
        .hasMessageContaining("'/'");
  }

  @Test
  void aFactoryMustUseItsPlacement() {
    final class Sneaky extends Directory {
      final Directory stolen = dir("x", FileMode.of(0700),
          p -> new Root(Placement.root(InMemoryStorage.create())));

      Sneaky(Placement placement) {
        super(placement);
      }
    }
    assertThatThrownBy(() -> new Sneaky(Placement.root(InMemoryStorage.create())))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("mem:/x");
  }

  @Test
  void createMakesEveryDeclaredDirectoryWithItsModeAndIsIdempotent(@TempDir Path tmp)
      throws Exception {
    Path rootDir = tmp.resolve("not/yet/there");
    Root root = new Root(Placement.root(NioStorage.at(rootDir)));
    root.create();
    assertThat(Files.isDirectory(rootDir.resolve("data/secrets"))).isTrue();
    assertThat(root.storage().mode(root.data.path())).contains(FileMode.of(0700));
    assertThat(root.storage().mode(root.run.path())).contains(FileMode.of(0755));
    assertThat(root.storage().mode(root.data.secrets.path())).contains(FileMode.of(0700));
    assertThat(Files.exists(rootDir.resolve("data/note"))).isFalse();

    // An existing declared directory gets its declared mode back; a second create is harmless.
    root.storage().setMode(root.data.path(), FileMode.of(0777));
    root.create();
    assertThat(root.storage().mode(root.data.path())).contains(FileMode.of(0700));
  }

  @Test
  void createFailsWithATypedErrorWhereAFileIsInTheWay(@TempDir Path tmp) throws Exception {
    Files.writeString(tmp.resolve("data"), "a file, not a directory");
    Root root = new Root(Placement.root(NioStorage.at(tmp)));
    assertThatThrownBy(root::create)
        .isInstanceOfSatisfying(StorageException.class, e -> {
          assertThat(e.reason()).isEqualTo(StorageException.Reason.WRONG_TYPE);
          assertThat(e.location()).isEqualTo(tmp.resolve("data").toString());
        });
    assertThat(Files.readString(tmp.resolve("data"))).isEqualTo("a file, not a directory");
  }

  @Test
  void typedFilesReadAndWriteThroughTheirCodec() throws Exception {
    Root root = new Root(Placement.root(InMemoryStorage.create()));
    root.create();
    assertThat(root.data.note.read()).isEmpty();
    root.data.note.write("héllo");
    assertThat(root.data.note.read()).contains("héllo");
    assertThat(root.data.note.currentMode()).contains(FileMode.WORLD_READABLE);
    root.storage().write(root.data.note.path(), new byte[] {(byte) 0xff, (byte) 0xfe},
        FileMode.WORLD_READABLE, Storage.WriteMode.REPLACE);
    assertThatThrownBy(root.data.note::read)
        .isInstanceOfSatisfying(StorageException.class, e -> {
          assertThat(e.reason()).isEqualTo(StorageException.Reason.MALFORMED_CONTENT);
          assertThat(e.getMessage()).contains("mem:/data/note").contains("not valid UTF-8");
        });
    assertThatThrownBy(() -> root.data.note.create("again"))
        .isInstanceOfSatisfying(StorageException.class,
            e -> assertThat(e.reason()).isEqualTo(StorageException.Reason.ALREADY_EXISTS));
  }
}
