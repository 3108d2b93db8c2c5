package org.hvproof.model; final class Placeholder { private Placeholder() {} }
