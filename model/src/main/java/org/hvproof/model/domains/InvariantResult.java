package org.hvproof.model.domains;

/**
 * The outcome of one named invariant: which claim, whether it holds, and what was found.
 *
 * @param claim the claim id, e.g. {@code PD-2}
 * @param check the invariant's name within the claim
 * @param holds whether it holds
 * @param detail what was expected and what was found, when it does not hold
 */
public record InvariantResult(String claim, String check, boolean holds, String detail) {

  static InvariantResult holds(String claim, String check) {
    return new InvariantResult(claim, check, true, "");
  }

  static InvariantResult violated(String claim, String check, String detail) {
    return new InvariantResult(claim, check, false, detail);
  }

  static InvariantResult of(String claim, String check, boolean holds, String detailIfViolated) {
    return holds ? holds(claim, check) : violated(claim, check, detailIfViolated);
  }

  /** Returns this result if it holds; otherwise throws an AssertionError naming the claim. */
  public InvariantResult orThrow() {
    if (!holds) {
      throw new AssertionError(claim + " " + check + " violated: " + detail);
    }
    return this;
  }
}
