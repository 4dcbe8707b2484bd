package io.clusternet.props;

import static org.quicktheories.QuickTheory.qt;

import java.util.concurrent.atomic.AtomicInteger;
import org.quicktheories.core.Gen;

/**
 * Runs properties with QuickTheories.
 *
 * <p>Each run draws values from the generator, first its boundaries (the shrink target, every
 * draw at its minimum, every draw at its maximum), then random ones; on a failure it shrinks the
 * value and throws an {@link AssertionError} naming the smallest failing value and the seed
 * ({@code Seed was N}). {@code -DQT_SEED=N} replays that run exactly (see the package doc).
 *
 * <p>QuickTheories skips a value it has already tried, so a run is given a budget of draws above
 * the wanted number of tries, and {@link #check} fails if fewer distinct values than {@code tries}
 * were tried: a property never silently runs less often than it says.
 */
public final class Props {
  private Props() {}

  /** A property of one value; any exception or assertion error falsifies it. */
  @FunctionalInterface
  public interface Property<T> {
    void check(T value) throws Exception;
  }

  /**
   * Checks {@code property} on at least {@code tries} distinct values of {@code gen}, drawing at
   * most {@code tries + tries / 4 + 8} values.
   */
  public static <T> void check(int tries, Gen<T> gen, Property<T> property) {
    check(tries, tries + tries / 4 + 8, gen, property);
  }

  /**
   * Checks {@code property} on at least {@code tries} distinct values of {@code gen}, drawing at
   * most {@code budget} values (for generators with few distinct values, which repeat often).
   *
   * @throws AssertionError if the property fails (with the smallest value found and the seed), or
   *     if fewer than {@code tries} distinct values were tried
   */
  public static <T> void check(int tries, int budget, Gen<T> gen, Property<T> property) {
    AtomicInteger tried = new AtomicInteger();
    qt().withExamples(budget)
        .withShrinkCycles(Integer.getInteger("QT_SHRINKS", 2_000))
        .forAll(gen)
        .checkAssert(value -> {
          tried.incrementAndGet();
          try {
            property.check(value);
          } catch (RuntimeException | Error e) {
            throw e;
          } catch (Exception e) {
            throw new AssertionError(e);
          }
        });
    if (tried.get() < tries) {
      throw new AssertionError("only " + tried.get() + " distinct values of the " + tries
          + " wanted in " + budget + " draws: widen the generator or raise the budget");
    }
  }
}
