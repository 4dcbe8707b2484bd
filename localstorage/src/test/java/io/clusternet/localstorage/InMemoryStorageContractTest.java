package io.clusternet.localstorage;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** The {@link Storage} contract on {@link InMemoryStorage}. */
class InMemoryStorageContractTest extends StorageContract {
  @Override
  Storage newStorage() {
    return InMemoryStorage.create();
  }

  @Override
  List<String> listDir() throws IOException {
    // The in-memory storage has no temporary files; list what the tests create below DIR.
    List<String> names = new ArrayList<>();
    for (String candidate : List.of("file", "sub", "missing")) {
      try {
        if (storage.exists(DIR.resolve(candidate))) names.add(candidate);
      } catch (StorageException e) {
        throw new IOException(e);
      }
    }
    return names;
  }
}
