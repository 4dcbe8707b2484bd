package io.clusternet.props;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;
import org.quicktheories.generators.SourceDSL;

/**
 * Generic generators for property tests, each with its edge cases mixed in (about one value in
 * ten is an edge case), as jqwik's were. Domain generators (addresses, keys, nodes, replies) live
 * beside the tests of their domain and are built from these.
 */
public final class Gens {
  private Gens() {}

  /** One value in ten from {@code edges}, the rest from {@code gen}. */
  @SafeVarargs
  public static <T> Gen<T> withEdges(Gen<T> gen, T... edges) {
    return withEdges(gen, List.of(edges));
  }

  /** One value in ten from {@code edges}, the rest from {@code gen}. */
  public static <T> Gen<T> withEdges(Gen<T> gen, List<T> edges) {
    return Generate.frequency(Pair.of(9, gen), Pair.of(1, Generate.pick(List.copyOf(edges))));
  }

  /** Integers in {@code [min, max]}; edges: min, max, and 0, 1, -1 where in range. */
  public static Gen<Integer> ints(int min, int max) {
    List<Integer> edges = new ArrayList<>(List.of(min, max));
    for (int e : new int[] {-1, 0, 1, min + 1, max - 1}) {
      if (e >= min && e <= max && !edges.contains(e)) edges.add(e);
    }
    return withEdges(SourceDSL.integers().between(min, max), edges);
  }

  /** One of {@code values}, equally likely. */
  public static <T> Gen<T> oneOf(List<T> values) {
    return Generate.pick(List.copyOf(values));
  }

  /** One of {@code values}, equally likely. */
  @SafeVarargs
  public static <T> Gen<T> oneOf(T... values) {
    return oneOf(List.of(values));
  }

  /** A value of one of {@code gens}, each equally likely. */
  @SafeVarargs
  public static <T> Gen<T> anyOf(Gen<T> first, Gen<T>... more) {
    return Generate.oneOf(first, more);
  }

  /** Byte arrays of exactly {@code size} bytes; edges: all 0x00, 0xff, 0x7f, 0x80, 0x01, and 0..size-1. */
  public static Gen<byte[]> bytes(int size) {
    return bytes(size, size);
  }

  /**
   * Byte arrays of {@code minSize..maxSize} bytes, every byte value possible; edges: the shortest
   * and longest arrays filled with 0x00, 0xff, 0x7f, 0x80 and 0x01, and counting up from 0.
   */
  public static Gen<byte[]> bytes(int minSize, int maxSize) {
    List<byte[]> edges = new ArrayList<>();
    for (int size : minSize == maxSize ? new int[] {minSize} : new int[] {minSize, maxSize}) {
      for (int fill : new int[] {0x00, 0xff, 0x7f, 0x80, 0x01}) {
        byte[] b = new byte[size];
        Arrays.fill(b, (byte) fill);
        edges.add(b);
      }
      byte[] ramp = new byte[size];
      for (int i = 0; i < size; i++) ramp[i] = (byte) i;
      edges.add(ramp);
    }
    Gen<byte[]> random = Generate.byteArrays(SourceDSL.integers().between(minSize, maxSize),
        Generate.bytes(Byte.MIN_VALUE, Byte.MAX_VALUE, (byte) 0));
    return withEdges(random, edges).describedAs(Arrays::toString);
  }

  /**
   * Strings of {@code 0..maxLength} code points from all of Unicode (surrogates included);
   * edges: empty, a space, NUL, a newline, U+FFFF, a lone surrogate and a supplementary character.
   */
  public static Gen<String> strings(int maxLength) {
    return withEdges(SourceDSL.strings().allPossible().ofLengthBetween(0, maxLength),
        "", " ", "\u0000", "\n", "\uffff", "\ud800", "\ud83d\ude00");
  }

  /**
   * Strings of {@code minLength..maxLength} characters from {@code alphabet}; edges: the shortest
   * and longest strings of the alphabet's first and last characters.
   */
  public static Gen<String> strings(String alphabet, int minLength, int maxLength) {
    List<Character> chars = alphabet.chars().mapToObj(c -> (char) c).toList();
    Gen<String> random = SourceDSL.lists().of(Generate.pick(chars)).ofSizeBetween(minLength, maxLength)
        .map(l -> l.stream().map(String::valueOf).collect(Collectors.joining()));
    char first = alphabet.charAt(0);
    char last = alphabet.charAt(alphabet.length() - 1);
    return withEdges(random, String.valueOf(first).repeat(minLength),
        String.valueOf(last).repeat(minLength), String.valueOf(first).repeat(maxLength),
        String.valueOf(last).repeat(maxLength));
  }

  /** Lists of {@code minSize..maxSize} values of {@code gen}; one list in twenty is of {@code minSize}. */
  public static <T> Gen<List<T>> lists(Gen<T> gen, int minSize, int maxSize) {
    return Generate.frequency(Pair.of(19, SourceDSL.lists().of(gen).ofSizeBetween(minSize, maxSize)),
        Pair.of(1, SourceDSL.lists().of(gen).ofSize(minSize)));
  }

  /** Sets of at most {@code maxSize} distinct values of {@code gen}, in drawing order. */
  public static <T> Gen<Set<T>> sets(Gen<T> gen, int maxSize) {
    return lists(gen, 0, maxSize).map(l -> (Set<T>) new LinkedHashSet<>(l));
  }

  /** {@code gens[i]} with weight {@code weights[i]}. */
  @SafeVarargs
  public static <T> Gen<T> weighted(int[] weights, Gen<T>... gens) {
    List<Pair<Integer, Gen<T>>> pairs = new ArrayList<>();
    for (int i = 0; i < gens.length; i++) pairs.add(Pair.of(weights[i], gens[i]));
    return Generate.frequency(pairs);
  }
}
