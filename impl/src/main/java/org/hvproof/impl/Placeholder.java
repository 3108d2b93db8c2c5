package org.hvproof.impl; final class Placeholder { private Placeholder() {} }
