/**
 * The project's property-test kit, on QuickTheories: {@link io.clusternet.props.Props} runs a
 * property a given number of times and {@link io.clusternet.props.Gens} holds the generic
 * generators (with their edge cases). Test code only; shared with the other modules' tests as
 * clusternet-api's test-jar.
 *
 * <p>A failing property prints {@code Seed was N}. To replay that exact run:
 * {@code ./mvnw -B -pl MODULE -am test -Dtest=CLASS#METHOD -Dsurefire.failIfNoSpecifiedTests=false -DQT_SEED=N}.
 */
package io.clusternet.props;
