package org.hvproof.propcheck.challenge;

import org.hvproof.propcheck.Gen;
import org.hvproof.propcheck.Gens;

/** Expressions of the calculator challenge: int literals, {@code +} and {@code /}, printed as s-expressions. */
sealed interface Expr {

    int evaluate();

    boolean hasLiteralDivisionByZero();

    record Lit(int value) implements Expr {
        @Override
        public int evaluate() {
            return value;
        }

        @Override
        public boolean hasLiteralDivisionByZero() {
            return false;
        }

        @Override
        public String toString() {
            return Integer.toString(value);
        }
    }

    record Add(Expr left, Expr right) implements Expr {
        @Override
        public int evaluate() {
            return left.evaluate() + right.evaluate();
        }

        @Override
        public boolean hasLiteralDivisionByZero() {
            return left.hasLiteralDivisionByZero() || right.hasLiteralDivisionByZero();
        }

        @Override
        public String toString() {
            return "(+ " + left + " " + right + ")";
        }
    }

    record Div(Expr left, Expr right) implements Expr {
        @Override
        public int evaluate() {
            return left.evaluate() / right.evaluate();
        }

        @Override
        public boolean hasLiteralDivisionByZero() {
            return (right instanceof Lit l && l.value() == 0)
                    || left.hasLiteralDivisionByZero()
                    || right.hasLiteralDivisionByZero();
        }

        @Override
        public String toString() {
            return "(/ " + left + " " + right + ")";
        }
    }

    static Gen<Expr> gen() {
        Gen<Expr> literal = Gens.integers().map(Lit::new);
        return Gens.recursive(
                "expression",
                literal,
                self -> Gens.oneOf(Gens.combine(self, self, Add::new), Gens.combine(self, self, Div::new)),
                5);
    }
}
