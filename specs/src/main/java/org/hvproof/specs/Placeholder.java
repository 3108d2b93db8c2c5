package org.hvproof.specs; final class Placeholder { private Placeholder() {} }
